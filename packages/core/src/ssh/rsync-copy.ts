import { type SshConnectOptions, SshSession } from '@berth/driver-sdk/ssh';
import { CopyError } from '../errors/copy-errors.js';
import { RemoteToolMissingError, ToolFailedError, ToolNotInstalledError } from '../errors/external-tool-errors.js';
import { findTool, runTool } from './external-tool.js';
import { remoteSpec } from './openssh-options.js';
import { ensureHostKeyPinned } from './pin-host-key.js';
import { rsyncArgs, rsyncLocalPath } from './rsync-argv.js';
import type { CopyEndpoint } from './sftp-copy.js';

/** The local programs `scp --delta` runs: rsync, and the ssh it starts. */
export interface RsyncTools {
  rsync: string;
  ssh: string;
}

export async function rsyncTools(): Promise<RsyncTools> {
  const rsync = await findTool(['rsync']);
  if (!rsync) throw new ToolNotInstalledError('rsync', 'the --delta option', 'rsync');
  const ssh = await findTool(['ssh']);
  if (!ssh) throw new ToolNotInstalledError('ssh', 'the --delta option', 'openssh-client');
  return { rsync, ssh };
}

export interface RsyncCopy {
  /** The machine's name, for what to do when something fails. */
  machine: string;
  target: SshConnectOptions;
  source: CopyEndpoint;
  destination: CopyEndpoint;
  recursive: boolean;
  quiet: boolean;
  signal?: AbortSignal;
}

// rsync's exit status when ssh itself failed (rsync(1) "EXIT VALUES").
const SSH_FAILED = 255;

/**
 * Whether the machine has rsync. Asked only after rsync failed: a missing remote rsync shows as
 * a broken protocol stream (status 12), like other failures, so Berth asks the machine itself.
 */
async function remoteHasRsync(target: SshConnectOptions): Promise<boolean> {
  const session = await SshSession.connect(target);
  try {
    return (await session.run('command -v rsync', { timeoutMs: 15_000 })).code === 0;
  } finally {
    session.close();
  }
}

/** `scp --delta`: rsync over the machine's SSH, sending only what differs. */
export async function rsyncCopy(tools: RsyncTools, copy: RsyncCopy): Promise<void> {
  if (copy.source.kind === copy.destination.kind) {
    throw new CopyError('scp copies between this machine and one machine: one side must be local');
  }
  const endpoint = (side: CopyEndpoint) =>
    side.kind === 'remote' ? remoteSpec(copy.target, side.path) : rsyncLocalPath(side.path);
  const args = rsyncArgs(
    copy.target,
    endpoint(copy.source),
    endpoint(copy.destination),
    { recursive: copy.recursive, quiet: copy.quiet },
    tools.ssh,
  );
  await ensureHostKeyPinned({ ...copy.target, ...(copy.signal ? { signal: copy.signal } : {}) });
  const exit = await runTool(tools.rsync, args, copy.signal);
  if (exit.status === 0) return;
  if (exit.status !== SSH_FAILED && exit.signal === null) {
    // If even that question fails, rsync's own failure is the one to report.
    const hasRsync = await remoteHasRsync(copy.target).catch(() => true);
    if (!hasRsync) throw new RemoteToolMissingError(copy.machine, 'rsync');
  }
  const actions =
    exit.status === SSH_FAILED ? [`Check that the machine answers over SSH: berth ssh ${copy.machine} true`] : [];
  throw new ToolFailedError('rsync', exit.status, exit.signal, actions);
}
