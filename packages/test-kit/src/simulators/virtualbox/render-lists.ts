import type { DhcpServerRecord, HostOnlyIfRecord, MediumRecord, Registry } from './registry.js';

/** `0a:00:27:00:00:<index>`: the adapter's HardwareAddress on Linux and macOS. */
export function adapterMac(index: number): string {
  const tail = [Math.floor(index / 65536) % 256, Math.floor(index / 256) % 256, index % 256];
  return ['0a', '00', '27', ...tail.map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

/**
 * The GUID VirtualBox derives from the adapter's name and MAC on Linux/macOS: the name's bytes
 * (10, zero-padded) and the MAC, with the version-4 and variant bits set
 * (vboxnet0 -> 786f6276-656e-4074-8000-0a0027000000, vboxnet10 -> ...-4174-b000-0a002700000a).
 */
export function adapterGuid(name: string, index: number): string {
  const bytes = Buffer.alloc(16);
  Buffer.from(name, 'latin1').copy(bytes, 0, 0, 10);
  const mac = adapterMac(index)
    .split(':')
    .map((part) => Number.parseInt(part, 16));
  Buffer.from(mac).copy(bytes, 10);
  const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
  const d1 = bytes.readUInt32LE(0);
  const d2 = bytes.readUInt16LE(4);
  const d3 = (bytes.readUInt16LE(6) & 0x0fff) | 0x4000;
  const b8 = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const tail = [...bytes.subarray(10)].map((b) => hex(b, 2)).join('');
  return `${hex(d1, 8)}-${hex(d2, 4)}-${hex(d3, 4)}-${hex(b8, 2)}${hex(bytes[9] ?? 0, 2)}-${tail}`;
}

function kv(key: string, value: string, width: number): string {
  return `${`${key}:`.padEnd(width)}${value}`;
}

/** `list hostonlyifs`: one block per adapter, each ended by a blank line (reference §3.3). */
export function hostOnlyIfsListing(adapters: HostOnlyIfRecord[], inUse: (name: string) => boolean): string[] {
  const lines: string[] = [];
  for (const adapter of adapters) {
    lines.push(
      kv('Name', adapter.name, 17),
      kv('GUID', adapterGuid(adapter.name, adapter.index), 17),
      kv('DHCP', adapter.dhcp ? 'Enabled' : 'Disabled', 17),
      kv('IPAddress', adapter.ip, 17),
      kv('NetworkMask', adapter.netmask, 17),
      kv('IPV6Address', adapter.ipv6, 17),
      kv('IPV6NetworkMaskPrefixLength', String(adapter.ipv6PrefixLength), 29),
      kv('HardwareAddress', adapterMac(adapter.index), 17),
      kv('MediumType', 'Ethernet', 17),
      kv('Wireless', 'No', 17),
      kv('Status', inUse(adapter.name) ? 'Up' : 'Down', 17),
      kv('VBoxNetworkName', `HostInterfaceNetworking-${adapter.name}`, 17),
      '',
    );
  }
  return lines;
}

/** `list dhcpservers` in the format of the version (reference §3.4). */
export function dhcpServersListing(servers: DhcpServerRecord[], newFormat: boolean): string[] {
  const lines: string[] = [];
  servers.forEach((server, i) => {
    if (i > 0) lines.push('');
    if (!newFormat) {
      lines.push(
        kv('NetworkName', server.networkName, 16),
        kv('IP', server.ip, 16),
        kv('NetworkMask', server.netmask, 16),
        kv('lowerIPAddress', server.lowerIp, 16),
        kv('upperIPAddress', server.upperIp, 16),
        kv('Enabled', server.enabled ? 'Yes' : 'No', 16),
      );
      return;
    }
    lines.push(
      kv('NetworkName', server.networkName, 16),
      kv('Dhcpd IP', server.ip, 16),
      kv('LowerIPAddress', server.lowerIp, 16),
      kv('UpperIPAddress', server.upperIp, 16),
      kv('NetworkMask', server.netmask, 16),
      kv('Enabled', server.enabled ? 'Yes' : 'No', 16),
      'Global Configuration:',
      '    minLeaseTime:     default',
      '    defaultLeaseTime: default',
      '    maxLeaseTime:     default',
      '    Forced options:   None',
      '    Suppressed opts.: None',
      `        1/legacy: ${server.netmask}`,
      'Groups:               None',
      'Individual Configs:   None',
    );
  });
  return lines;
}

/** `list hdds` / `list dvds`. */
export function mediaListing(media: MediumRecord[], registry: Registry): string[] {
  const lines: string[] = [];
  for (const medium of media) {
    const users = registry.vms.filter((vm) =>
      vm.storage.some((controller) => controller.attachments.some((a) => a.uuid === medium.uuid)),
    );
    lines.push(kv('UUID', medium.uuid, 16));
    if (medium.type === 'hdd') lines.push(kv('Parent UUID', 'base', 16));
    lines.push(kv('State', 'created', 16));
    if (medium.type === 'hdd') lines.push(kv('Type', 'normal (base)', 16));
    lines.push(kv('Location', medium.path, 16));
    if (medium.type === 'hdd') {
      lines.push(kv('Storage format', medium.format, 16), kv('Capacity', `${medium.capacityMb} MBytes`, 16));
    }
    lines.push(kv('Encryption', 'disabled', 16));
    if (users.length > 0)
      lines.push(kv('In use by VMs', users.map((vm) => `${vm.name} (UUID: ${vm.uuid})`).join(', '), 16));
    lines.push('');
  }
  return lines;
}
