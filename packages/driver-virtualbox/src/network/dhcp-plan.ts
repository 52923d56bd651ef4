import { type Ipv4Net, numberToIp } from './ipv4.js';

/** The DHCP server of a host-only network: its own address and the range it leases. */
export interface DhcpPlan {
  ip: string;
  mask: string;
  lowerIp: string;
  upperIp: string;
}

/**
 * Docker Machine's layout: in the host's /24, leases .100 to .254 (so the first guest is .100);
 * the server sits at .2 (.3 when the host has .2). A network smaller than a /24 leases everything
 * after the server up to the last address before broadcast.
 */
export function dhcpPlan(net: Ipv4Net): DhcpPlan {
  const mask = numberToIp(net.mask);
  if (net.prefix <= 24) {
    const base = (net.ip & 0xffffff00) >>> 0;
    const server = base + 2 === net.ip ? base + 3 : base + 2;
    return { ip: numberToIp(server), mask, lowerIp: numberToIp(base + 100), upperIp: numberToIp(base + 254) };
  }
  const server = net.network + 2 === net.ip ? net.network + 1 : net.network + 2;
  const lower = Math.max(server, net.ip) + 1;
  return { ip: numberToIp(server), mask, lowerIp: numberToIp(lower), upperIp: numberToIp(net.last - 1) };
}
