import { inCidr, ipToNumber, maskToPrefix, networkOf, numberToIp } from './ipv4.js';
import type { DhcpServerRecord, HostOnlyIfRecord, Registry } from './registry.js';

export function hostOnlyNetworkName(adapter: string): string {
  return `HostInterfaceNetworking-${adapter}`;
}

export function dhcpServerOf(registry: Registry, adapter: string): DhcpServerRecord | undefined {
  return registry.dhcpServers.find((server) => server.networkName === hostOnlyNetworkName(adapter));
}

/**
 * The address the adapter's DHCP server gives `mac`: its earlier lease, else the first free
 * address of lowerip..upperip. undefined without an enabled server, or when the range lies
 * outside the adapter's subnet (the guest would get nothing usable), as on a real host.
 */
export function leaseFor(registry: Registry, adapter: HostOnlyIfRecord, mac: string): string | undefined {
  const server = dhcpServerOf(registry, adapter.name);
  if (!server?.enabled) return undefined;
  const prefix = maskToPrefix(adapter.netmask);
  if (prefix === undefined) return undefined;
  const network = networkOf(adapter.ip, prefix);
  const key = mac.toUpperCase();
  const held = server.leases[key];
  if (held && inCidr(held, network, prefix)) return held;
  const lower = ipToNumber(server.lowerIp);
  const upper = ipToNumber(server.upperIp);
  if (lower === undefined || upper === undefined) return undefined;
  const taken = new Set([...Object.values(server.leases), adapter.ip, server.ip]);
  for (let value = lower; value <= upper; value += 1) {
    const ip = numberToIp(value);
    if (taken.has(ip) || !inCidr(ip, network, prefix)) continue;
    server.leases[key] = ip;
    return ip;
  }
  return undefined;
}
