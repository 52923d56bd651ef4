import { HostOnlyAdapterError } from '../errors.js';
import { keyValueLines } from './key-value-lines.js';

/** One block of `VBoxManage list hostonlyifs`. */
export interface HostOnlyAdapter {
  /** `vboxnet0`; on Windows `VirtualBox Host-Only Ethernet Adapter #2`. */
  name: string;
  guid: string;
  /** Anything but `Disabled`. */
  dhcp: boolean;
  /** Dotted IPv4, '' when none. */
  ipAddress: string;
  networkMask: string;
  hardwareAddress: string;
  status: string;
  /** `HostInterfaceNetworking-<name>`: the network its DHCP server is keyed by. */
  networkName: string;
}

const empty = (): HostOnlyAdapter => ({
  name: '',
  guid: '',
  dhcp: false,
  ipAddress: '',
  networkMask: '',
  hardwareAddress: '',
  status: '',
  networkName: '',
});

/**
 * Parses the listing. `VBoxNetworkName` closes a record (blank lines between records are not
 * needed, as in Docker Machine). Two adapters with one network name or one IP make VirtualBox's
 * setup ambiguous: that is an error, in Docker Machine's words.
 */
export function parseHostOnlyIfs(text: string): HostOnlyAdapter[] {
  const adapters: HostOnlyAdapter[] = [];
  let current = empty();
  for (const { key, value } of keyValueLines(text)) {
    switch (key) {
      case 'Name':
        current.name = value;
        break;
      case 'GUID':
        current.guid = value;
        break;
      case 'DHCP':
        current.dhcp = value !== 'Disabled';
        break;
      case 'IPAddress':
        current.ipAddress = value;
        break;
      case 'NetworkMask':
        current.networkMask = value;
        break;
      case 'HardwareAddress':
        current.hardwareAddress = value;
        break;
      case 'Status':
        current.status = value;
        break;
      case 'VBoxNetworkName':
        current.networkName = value;
        adapters.push(current);
        current = empty();
        break;
    }
  }
  checkUnique(adapters);
  return adapters;
}

const REMOVE_ONE =
  'List them with `VBoxManage list hostonlyifs` and remove one with `VBoxManage hostonlyif remove <name>`.';

function checkUnique(adapters: HostOnlyAdapter[]): void {
  const seen = { name: new Set<string>(), IP: new Set<string>() };
  for (const adapter of adapters) {
    for (const [what, value] of [
      ['name', adapter.networkName],
      ['IP', adapter.ipAddress],
    ] as const) {
      if (value === '') continue;
      if (seen[what].has(value)) {
        throw new HostOnlyAdapterError(
          `VirtualBox is configured with multiple host-only adapters with the same ${what} "${value}". Please remove one`,
          { actions: [REMOVE_ONE] },
        );
      }
      seen[what].add(value);
    }
  }
}
