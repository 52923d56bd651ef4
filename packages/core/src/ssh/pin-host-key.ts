import { readPinnedKey, type SshConnectOptions, SshSession } from '@berth/driver-sdk/ssh';

/**
 * Makes sure the machine's host key is pinned in its known_hosts before an OpenSSH client runs
 * with StrictHostKeyChecking=yes. A machine Berth created was pinned at create; one from a store
 * docker-machine made (it kept no pin) is pinned here by Berth's own client, on first contact as
 * always, in the one plain format Berth reads (OpenSSH's accept-new would write a hashed line
 * where Debian's ssh_config says HashKnownHosts).
 */
export async function ensureHostKeyPinned(target: SshConnectOptions): Promise<void> {
  if (!target.knownHostsFile) return;
  if (await readPinnedKey(target.knownHostsFile, target.host, target.port)) return;
  const session = await SshSession.connect(target);
  session.close();
}
