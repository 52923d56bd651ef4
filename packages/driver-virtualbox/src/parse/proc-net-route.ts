import { type Ipv4Net, netOf, prefixOfMask } from '../network/ipv4.js';

/** A route of Linux's /proc/net/route that is up. */
export interface HostRoute {
  iface: string;
  net: Ipv4Net;
  /** A route via a gateway (RTF_GATEWAY) rather than a network on the interface itself. */
  viaGateway: boolean;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** /proc/net/route's addresses: 8 hex digits in the host's (little-endian) byte order. */
function hexAddress(hex: string): number | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const bytes = [0, 2, 4, 6].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
  return (((bytes[3] ?? 0) << 24) | ((bytes[2] ?? 0) << 16) | ((bytes[1] ?? 0) << 8) | (bytes[0] ?? 0)) >>> 0;
}

/** The routes that are up, from the file's text (the header line names the columns). */
export function parseProcNetRoute(text: string): HostRoute[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').trim().split(/\s+/);
  const column = (name: string) => header.indexOf(name);
  const [iface, destination, flags, mask] = ['Iface', 'Destination', 'Flags', 'Mask'].map(column);
  if ([iface, destination, flags, mask].some((index) => index === undefined || index < 0)) return [];
  const routes: HostRoute[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const flagBits = Number.parseInt(fields[flags as number] ?? '', 16);
    const network = hexAddress(fields[destination as number] ?? '');
    const maskValue = hexAddress(fields[mask as number] ?? '');
    const prefix = maskValue === undefined ? undefined : prefixOfMask(maskValue);
    if (network === undefined || prefix === undefined || !(flagBits & RTF_UP)) continue;
    routes.push({
      iface: fields[iface as number] ?? '',
      net: netOf(network, prefix),
      viaGateway: (flagBits & RTF_GATEWAY) !== 0,
    });
  }
  return routes;
}
