import { randomInt } from 'node:crypto';

/** Hyper-V's dynamic MACs: its OUI 00-15-5D, then three bytes of the host's pool. */
export function dynamicMac(taken: ReadonlySet<string>): string {
  for (;;) {
    const mac = `00155D${randomInt(0, 0x1000000).toString(16).toUpperCase().padStart(6, '0')}`;
    if (!taken.has(mac)) return mac;
  }
}

/** `00:0a:95:9d:68:16`, `00-0A-…` or `000A959D6816` -> `000A959D6816`; undefined when not a MAC. */
export function normaliseMac(text: string): string | undefined {
  const hex = text.replace(/[:-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(hex) ? hex : undefined;
}

/** The guest's IPv6 link-local address, from its MAC by modified EUI-64 (`fe80::215:5dff:fe00:108`). */
export function linkLocalFromMac(mac: string): string {
  const bytes = (mac.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = bytes;
  const groups = [((b0 ^ 0x02) << 8) | b1, (b2 << 8) | 0xff, 0xfe00 | b3, (b4 << 8) | b5];
  return `fe80::${groups.map((group) => group.toString(16)).join(':')}`;
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Ipv4Subnet {
  network: number;
  size: number;
}

export function parseSubnet(cidr: string): Ipv4Subnet {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(base) || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw new Error(`not an IPv4 subnet the simulator can use: ${cidr}`);
  }
  const size = 2 ** (32 - bits);
  return { network: Math.floor(ipToNumber(base) / size) * size, size };
}

/** The subnet's first host address: the switch's own (the host's NAT gateway on Default Switch). */
export function subnetGateway(cidr: string): string {
  return numberToIp(parseSubnet(cidr).network + 1);
}

/** The first address from `.100` of the subnet (as a small DHCP scope would) that no one holds. */
export function leaseAddress(cidr: string, taken: ReadonlySet<string>): string {
  const { network, size } = parseSubnet(cidr);
  const first = size > 128 ? 100 : 2;
  for (let offset = first; offset < size - 1; offset += 1) {
    const candidate = numberToIp(network + offset);
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`the switch's subnet ${cidr} has no free address left`);
}
