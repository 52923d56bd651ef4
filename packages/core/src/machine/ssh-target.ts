import { join } from 'node:path';
import { NotSupportedError } from '@berth/driver-protocol';
import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import type { MachineRecord } from '../store/load-machine.js';
import type { Store } from '../store/store-layout.js';
import { machineParams } from './machine-params.js';

/** The file where a machine's SSH host key is pinned (OpenSSH known_hosts format). */
export const knownHostsFile = (record: MachineRecord): string => join(record.dir, 'known_hosts');

/** Asks the driver where and how to SSH into the machine. */
export async function sshTarget(store: Store, record: MachineRecord, driver: RemoteDriver): Promise<SshConnectOptions> {
  if (driver.description.capabilities.ssh === false) {
    throw new NotSupportedError(`${driver.name} driver machines have no SSH access`, {
      actions: ['Use a driver that creates SSH-reachable hosts (e.g. generic).'],
    });
  }
  const params = machineParams(store, record);
  const [host, port, user, keyPath] = await Promise.all([
    driver.getSshHostname(params),
    driver.getSshPort(params),
    driver.getSshUsername(params),
    driver.getSshKeyPath(params),
  ]);
  return {
    host: host.hostname,
    port: port.port,
    user: user.username,
    keyPath: keyPath.keyPath || undefined,
    knownHostsFile: knownHostsFile(record),
  };
}
