import { readFile } from 'node:fs/promises';
import { parseNetworksConf } from '../parse/networks-conf.js';
import { formatNet, type Ipv4Net, netContains, parseIpv4Cidr } from './ipv4.js';

/** Names the networks.conf Berth reads instead of /etc/vbox/networks.conf (tests, odd installs). */
export const NETWORKS_CONF_ENV = 'BERTH_VBOX_NETWORKS_CONF';
export const NETWORKS_CONF_PATH = '/etc/vbox/networks.conf';
/** What VirtualBox allows when networks.conf does not exist. */
export const VIRTUALBOX_DEFAULT_RANGE = parseIpv4Cidr('192.168.56.0/21') as Ipv4Net;

/** The host-only ranges VirtualBox allows on this host. */
export interface AllowedRanges {
  /** The file read (or looked for). */
  path: string;
  present: boolean;
  ranges: Ipv4Net[];
}

export async function readAllowedRanges(env: NodeJS.ProcessEnv): Promise<AllowedRanges> {
  const path = env[NETWORKS_CONF_ENV] || NETWORKS_CONF_PATH;
  try {
    return { path, present: true, ranges: parseNetworksConf(await readFile(path, 'utf8')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { path, present: false, ranges: [VIRTUALBOX_DEFAULT_RANGE] };
  }
}

/** Whether the whole network (adapter and DHCP range) lies in one allowed range. */
export function rangesAllow(allowed: AllowedRanges, net: Ipv4Net): boolean {
  return allowed.ranges.some((range) => netContains(range, net));
}

/** `192.168.56.0/21 (the default: /etc/vbox/networks.conf does not exist)`, for messages. */
export function describeAllowed(allowed: AllowedRanges): string {
  const ranges = allowed.ranges.map((range) => formatNet(range)).join(', ');
  if (!allowed.present) return `${ranges} (the default: ${allowed.path} does not exist)`;
  return ranges ? `${ranges} (from ${allowed.path})` : `none (${allowed.path} lists no IPv4 range)`;
}
