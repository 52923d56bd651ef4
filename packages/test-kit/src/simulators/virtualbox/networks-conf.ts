import { readFileSync } from 'node:fs';
import { inCidr } from './ipv4.js';

/** Where VirtualBox (and Berth's driver) read the allowed host-only ranges from. */
export const NETWORKS_CONF_ENV = 'BERTH_VBOX_NETWORKS_CONF';
export const DEFAULT_NETWORKS_CONF = '/etc/vbox/networks.conf';

/** IPv4 ranges of an absent networks.conf (VirtualBox >= 6.1.28 on Linux and macOS). */
const DEFAULT_RANGES = [{ network: '192.168.56.0', prefix: 21 }];

interface Range {
  network: string;
  prefix: number;
}

/** Lines `* <cidr> [<cidr>...]`; `#` starts a comment; IPv6 ranges are read and not used here. */
export function parseNetworksConf(text: string): Range[] {
  const ranges: Range[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line.startsWith('*')) continue;
    for (const cidr of line.slice(1).trim().split(/\s+/)) {
      const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
      if (match) ranges.push({ network: match[1] as string, prefix: Number(match[2]) });
    }
  }
  return ranges;
}

/** The ranges in force: the file named by the env (or the system path), else the default. */
export function allowedRanges(env: NodeJS.ProcessEnv = process.env): Range[] {
  const path = env[NETWORKS_CONF_ENV] || DEFAULT_NETWORKS_CONF;
  try {
    return parseNetworksConf(readFileSync(path, 'utf8'));
  } catch {
    return DEFAULT_RANGES;
  }
}

/** Whether `ip` may be a host-only adapter's address (`* 0.0.0.0/0` allows all). */
export function addressAllowed(ip: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return allowedRanges(env).some((range) => inCidr(ip, range.network, range.prefix));
}
