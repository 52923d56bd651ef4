import { knownHostsName, type SshConnectOptions } from '@berth/driver-sdk/ssh';
import { openSshConfigPath } from './openssh-config-quote.js';

/**
 * The OpenSSH client options (`Key=Value`, each given as `-o Key=Value`) that make ssh, or the ssh
 * that sshfs and rsync start, reach a machine as Berth's own client does: the machine's key only,
 * no password prompt, and the host key checked against the one pinned in the machine's
 * known_hosts (see `ensureHostKeyPinned`). docker-machine turned host-key checking off
 * (StrictHostKeyChecking=no, UserKnownHostsFile=/dev/null) for these tools; Berth keeps its pin.
 * The login goes in `user@host` ({@link remoteSpec}): sshfs refuses a `User` option.
 */
export function opensshOptions(target: SshConnectOptions): string[] {
  const options = [
    'BatchMode=yes',
    'PasswordAuthentication=no',
    `Port=${target.port}`,
    ...machineIdentityOptions(target),
  ];
  // ssh's errors show, its notices do not (docker-machine's LogLevel=quiet hid the errors too).
  options.push('LogLevel=ERROR', `ConnectTimeout=${Math.ceil((target.timeoutMs ?? 20_000) / 1000)}`);
  return options;
}

/**
 * The machine's key only, and its host key checked against the one Berth pinned: what every
 * OpenSSH client Berth starts (ssh, and the ssh of sshfs and rsync) is given.
 */
export function machineIdentityOptions(target: SshConnectOptions): string[] {
  const options: string[] = [];
  if (target.keyPath) options.push('IdentitiesOnly=yes', `IdentityFile=${openSshConfigPath(target.keyPath)}`);
  if (target.knownHostsFile) {
    options.push(
      `UserKnownHostsFile=${openSshConfigPath(target.knownHostsFile)}`,
      'GlobalKnownHostsFile=/dev/null',
      // Berth pins `[host]:port` for every port; OpenSSH would look up a bare `host` for port 22.
      `HostKeyAlias=${knownHostsName(target.host, target.port)}`,
      'StrictHostKeyChecking=yes',
      'CheckHostIP=no',
    );
  }
  return options;
}

/** `-o Key=Value` for each of {@link opensshOptions}. */
export function opensshOptionArgs(target: SshConnectOptions): string[] {
  return opensshOptions(target).flatMap((option) => ['-o', option]);
}

/** `user@host:path` as scp, sshfs and rsync read it; an IPv6 address goes in brackets. */
export function remoteSpec(target: Pick<SshConnectOptions, 'host' | 'user'>, path: string): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${target.user}@${host}:${path}`;
}
