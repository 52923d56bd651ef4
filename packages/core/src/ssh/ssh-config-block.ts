import { knownHostsName, readPinnedKey, type SshConnectOptions } from '@berth/driver-sdk/ssh';
import { openSshConfigPath } from './openssh-config-quote.js';

/**
 * An OpenSSH config block for a machine (`berth ssh-config web >> ~/.ssh/config`, or saved and
 * given to `ssh -F FILE`), as lima's `show-ssh --format=config` and colima's `ssh-config` print
 * one. (`ssh -F <(...)` cannot work: ssh closes inherited descriptors above 2 at start.) The host key is checked against the one Berth pinned for the machine,
 * under the same `[host]:port` name; a machine not contacted yet is pinned on first use.
 */
export async function sshConfigBlock(name: string, target: SshConnectOptions): Promise<string> {
  const lines = [`Host ${name}`, `  HostName ${target.host}`, `  Port ${target.port}`, `  User ${target.user}`];
  if (target.keyPath) lines.push(`  IdentityFile ${openSshConfigPath(target.keyPath)}`, '  IdentitiesOnly yes');
  if (target.knownHostsFile) {
    const pinned = (await readPinnedKey(target.knownHostsFile, target.host, target.port)) !== undefined;
    lines.push(
      `  UserKnownHostsFile ${openSshConfigPath(target.knownHostsFile)}`,
      `  HostKeyAlias ${knownHostsName(target.host, target.port)}`,
      `  StrictHostKeyChecking ${pinned ? 'yes' : 'accept-new'}`,
      // Plain lines, which Berth reads too (Debian's /etc/ssh/ssh_config hashes them).
      '  HashKnownHosts no',
    );
  }
  return `${lines.join('\n')}\n`;
}
