import { readFile } from 'node:fs/promises';
import { type HostRoute, parseProcNetRoute } from '../parse/proc-net-route.js';
import { type Ipv4Net, netsOverlap } from './ipv4.js';

export const PROC_NET_ROUTE = '/proc/net/route';

/** The host's routes, or undefined where there is no /proc/net/route (not Linux). */
export async function readHostRoutes(path: string = PROC_NET_ROUTE): Promise<HostRoute[] | undefined> {
  try {
    return parseProcNetRoute(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Routes a host-only network `net` would clash with: a network attached to an interface that
 * overlaps it (Wi-Fi, a docker bridge, a VPN's tunnel net), or a route through a gateway at least as
 * specific as it. Interfaces named like VirtualBox's host-only adapters are VirtualBox's own, and
 * the loopback and less specific gateway routes (the default route, a VPN's catch-all) never clash.
 */
export function conflictingRoutes(
  routes: readonly HostRoute[],
  net: Ipv4Net,
  adapterNames: ReadonlySet<string>,
): HostRoute[] {
  return routes.filter(
    (route) =>
      route.iface !== 'lo' &&
      !adapterNames.has(route.iface) &&
      netsOverlap(route.net, net) &&
      (!route.viaGateway || route.net.prefix >= net.prefix),
  );
}
