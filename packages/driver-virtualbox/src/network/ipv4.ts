import { isIPv4 } from 'node:net';

// IPv4 networks as 32-bit unsigned numbers: enough for host-only CIDRs, networks.conf ranges and
// the route table. node:net validates the dotted form; the arithmetic is a few shifts, for which no
// library is needed.

/** An IPv4 network with one address in it, e.g. `192.168.59.1/24`. */
export interface Ipv4Net {
  /** The address as written (a host address for a host-only CIDR). */
  ip: number;
  prefix: number;
  mask: number;
  network: number;
  /** Last address of the network. */
  last: number;
}

export function ipToNumber(ip: string): number | undefined {
  if (!isIPv4(ip)) return undefined;
  return ip.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

export function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

export function maskOfPrefix(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a dotted netmask; undefined when its ones are not contiguous. */
export function prefixOfMask(mask: number): number | undefined {
  for (let prefix = 0; prefix <= 32; prefix += 1) if (maskOfPrefix(prefix) === mask) return prefix;
  return undefined;
}

export function netOf(ip: number, prefix: number): Ipv4Net {
  const mask = maskOfPrefix(prefix);
  const network = (ip & mask) >>> 0;
  return { ip, prefix, mask, network, last: (network | ~mask) >>> 0 };
}

/** `a.b.c.d/n`; undefined when it is not one. */
export function parseIpv4Cidr(text: string): Ipv4Net | undefined {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const ip = ipToNumber(match[1]);
  const prefix = Number(match[2]);
  if (ip === undefined || prefix > 32) return undefined;
  return netOf(ip, prefix);
}

export function formatNet(net: Ipv4Net, address: number = net.network): string {
  return `${numberToIp(address)}/${net.prefix}`;
}

export function netContains(outer: Ipv4Net, inner: Ipv4Net): boolean {
  return inner.network >= outer.network && inner.last <= outer.last;
}

export function netsOverlap(a: Ipv4Net, b: Ipv4Net): boolean {
  return a.network <= b.last && b.network <= a.last;
}
