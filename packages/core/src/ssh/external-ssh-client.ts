import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import { findTool, runTool } from './external-tool.js';
import { machineIdentityOptions } from './openssh-options.js';
import { ensureHostKeyPinned } from './pin-host-key.js';
import { type SshCommandLine, sshOptionWords } from './ssh-command-line.js';

/** The OpenSSH client (`ssh`) on PATH, if there is one. */
export function findOpenSsh(): Promise<string | undefined> {
  return findTool(['ssh']);
}

export interface ExternalSshInput {
  target: SshConnectOptions;
  line: SshCommandLine;
  /** From `user@machine`. */
  destinationUser?: string;
}

/**
 * OpenSSH's argv for `berth ssh`: the user's options first, then Berth's. ssh keeps the first
 * value it obtains for an option (and the last -F), so what the user gives wins, and Berth's
 * fill in the rest: docker-machine's connection options, the machine's key, and the host key
 * checked against the one Berth pinned, under its `[host]:port` name (HostKeyAlias).
 * `--` before the host: nothing after it is read as an option.
 */
export function externalSshArgv({ target, line, destinationUser }: ExternalSshInput): string[] {
  const argv = ['-F', '/dev/null', ...sshOptionWords(line.options)];
  if (destinationUser !== undefined) argv.push('-l', destinationUser);
  const options = [
    'ConnectTimeout=10',
    'ControlMaster=no',
    'ControlPath=none',
    'PasswordAuthentication=no',
    'ServerAliveInterval=60',
  ];
  options.push(...machineIdentityOptions(target));
  for (const option of options) argv.push('-o', option);
  argv.push('-l', target.user, '-p', String(target.port), '--', target.host, ...line.command);
  return argv;
}

/**
 * Runs OpenSSH's client on this terminal and resolves with its exit status (the remote
 * command's, or 255). A machine without a pinned host key (a store docker-machine made) is
 * pinned first, by Berth's own client as always. Ctrl-C reaches ssh from the terminal; a
 * SIGTERM to berth is passed on.
 */
export async function runExternalSsh(ssh: string, input: ExternalSshInput, signal?: AbortSignal): Promise<number> {
  await ensureHostKeyPinned({ ...input.target, ...(signal ? { signal } : {}) });
  const exit = await runTool(ssh, externalSshArgv(input), signal);
  if (signal?.aborted) throw signal.reason;
  return exit.status ?? 255;
}
