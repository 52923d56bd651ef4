import { type Ipv4Net, parseIpv4Cidr } from '../network/ipv4.js';

/**
 * VirtualBox's `/etc/vbox/networks.conf`: lines `* <cidr> [<cidr>...]` list the ranges host-only
 * adapters may use; `#` starts a comment. IPv6 ranges are of no use to an IPv4 adapter and are
 * left out, as are words that are no CIDR.
 */
export function parseNetworksConf(text: string): Ipv4Net[] {
  const ranges: Ipv4Net[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line.startsWith('*')) continue;
    for (const word of line.slice(1).trim().split(/\s+/)) {
      const net = parseIpv4Cidr(word);
      if (net) ranges.push({ ...net, ip: net.network });
    }
  }
  return ranges;
}
