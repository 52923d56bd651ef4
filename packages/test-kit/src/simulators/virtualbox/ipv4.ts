/** IPv4 arithmetic for adapters, DHCP ranges and networks.conf (dotted quads as numbers). */
export function ipToNumber(ip: string): number | undefined {
  const parts = ip.trim().split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** 255.255.255.0 -> 24; undefined when the mask is not contiguous. */
export function maskToPrefix(mask: string): number | undefined {
  const value = ipToNumber(mask);
  if (value === undefined) return undefined;
  const bits = value.toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? 32 : bits.indexOf('0');
}

export function prefixToMask(prefix: number): string {
  return numberToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

/** The network address of ip/prefix. */
export function networkOf(ip: string, prefix: number): string {
  const value = ipToNumber(ip) ?? 0;
  const size = 2 ** (32 - prefix);
  return numberToIp(Math.floor(value / size) * size);
}

export function inCidr(ip: string, network: string, prefix: number): boolean {
  const value = ipToNumber(ip);
  const base = ipToNumber(network);
  if (value === undefined || base === undefined) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(base / size);
}
