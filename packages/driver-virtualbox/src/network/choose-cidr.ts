import { HostOnlyCidrError } from '../errors.js';
import type { HostOnlyAdapter } from '../parse/hostonlyifs.js';
import type { HostRoute } from '../parse/proc-net-route.js';
import { type AllowedRanges, describeAllowed, rangesAllow } from './allowed-ranges.js';
import {
  formatNet,
  type Ipv4Net,
  ipToNumber,
  netOf,
  netsOverlap,
  numberToIp,
  parseIpv4Cidr,
  prefixOfMask,
} from './ipv4.js';
import { conflictingRoutes } from './route-conflicts.js';

export const CIDR_FLAG = 'virtualbox-hostonly-cidr';
/** Windows 10 reports a fresh adapter's mask as 15.0.0.0 for a moment (docker/machine#1843). */
const MISREPORTED_MASK = '15.0.0.0';
/** The /24s of 192.168.56.0/21 offered instead, Berth's default first, VirtualBox's own 192.168.56.x last. */
const CANDIDATE_THIRD_OCTETS = [59, 57, 58, 60, 61, 62, 63, 56];

/** What the host looks like to a new host-only network. */
export interface HostNetworkView {
  adapters: readonly HostOnlyAdapter[];
  /** undefined where the route table cannot be read (not Linux): no conflict check. */
  routes: readonly HostRoute[] | undefined;
  /** undefined where VirtualBox restricts no range (Windows, VirtualBox < 6.1.28). */
  allowed: AllowedRanges | undefined;
}

/** The CIDR of --virtualbox-hostonly-cidr, with Docker Machine's errors. */
export function parseHostOnlyCidr(text: string): Ipv4Net {
  const net = parseIpv4Cidr(text);
  if (!net) throw new HostOnlyCidrError(`invalid CIDR address: ${text}`, { data: { flag: CIDR_FLAG } });
  if (net.ip === net.network) {
    throw new HostOnlyCidrError('host-only cidr must be specified with a host address, not a network address', {
      actions: [
        `Give the host's address in that network, e.g. --${CIDR_FLAG} ${numberToIp(net.network + 1)}/${net.prefix}.`,
      ],
      data: { flag: CIDR_FLAG },
    });
  }
  return net;
}

/** An adapter already set up with exactly this address and mask (it is reused, never re-configured). */
export function reusableAdapter(adapters: readonly HostOnlyAdapter[], net: Ipv4Net): HostOnlyAdapter | undefined {
  return adapters.find(
    (adapter) =>
      ipToNumber(adapter.ipAddress) === net.ip &&
      (ipToNumber(adapter.networkMask) === net.mask || adapter.networkMask === MISREPORTED_MASK),
  );
}

interface Problem {
  kind: 'range' | 'route' | 'adapter';
  text: string;
}

/** Why a new adapter cannot have `net`, or undefined when it can. */
function problemOf(net: Ipv4Net, view: HostNetworkView): Problem | undefined {
  if (reusableAdapter(view.adapters, net)) return undefined;
  const cidr = formatNet(net, net.ip);
  if (view.allowed && !rangesAllow(view.allowed, net)) {
    return {
      kind: 'range',
      text: `VirtualBox does not allow the host-only network ${cidr}: it allows ${describeAllowed(view.allowed)}`,
    };
  }
  const names = new Set(view.adapters.map((adapter) => adapter.name));
  const clash = conflictingRoutes(view.routes ?? [], net, names)[0];
  if (clash) {
    return {
      kind: 'route',
      text: `host-only cidr conflicts with the network address of a host interface: ${cidr} overlaps ${formatNet(clash.net)} on ${clash.iface}`,
    };
  }
  const adapter = view.adapters.find((candidate) => {
    const ip = ipToNumber(candidate.ipAddress);
    const mask = ipToNumber(candidate.networkMask);
    const prefix = mask === undefined ? undefined : prefixOfMask(mask);
    return ip !== undefined && prefix !== undefined && netsOverlap(netOf(ip, prefix), net);
  });
  if (adapter) {
    return {
      kind: 'adapter',
      text: `host-only cidr ${cidr} overlaps the host-only adapter "${adapter.name}" (${adapter.ipAddress}/${adapter.networkMask})`,
    };
  }
  return undefined;
}

/** The first /24 of 192.168.56.0/21 a new (or reused) adapter can have, as `192.168.X.1/24`. */
export function freeHostOnlyNet(view: HostNetworkView): Ipv4Net | undefined {
  for (const octet of CANDIDATE_THIRD_OCTETS) {
    const net = parseIpv4Cidr(`192.168.${octet}.1/24`) as Ipv4Net;
    if (!problemOf(net, view)) return net;
  }
  return undefined;
}

export interface CidrChoice {
  /** The CIDR to use, `a.b.c.d/n`. */
  cidr: string;
  /** Why Berth's default was replaced, when it was. */
  replaced?: string;
}

/**
 * Decides the host-only network: the requested one if VirtualBox allows it and nothing on the host
 * uses it. Berth's own default is replaced by a free /24 of 192.168.56.0/21; a CIDR the user gave
 * is refused with what to do (the networks.conf line to add, or a free network to pick).
 */
export function chooseHostOnlyCidr(requested: string, isDefault: boolean, view: HostNetworkView): CidrChoice {
  const net = parseHostOnlyCidr(requested);
  const problem = problemOf(net, view);
  if (!problem) return { cidr: requested };
  const free = freeHostOnlyNet(view);
  if (isDefault && free) return { cidr: formatNet(free, free.ip), replaced: problem.text };
  const actions: string[] = [];
  if (problem.kind === 'range' && view.allowed) {
    actions.push(`To allow it, add the line "* ${formatNet(net)}" to ${view.allowed.path} (as root).`);
  }
  actions.push(
    free
      ? `${problem.kind === 'range' ? 'Or choose' : 'Choose'} a free network: --${CIDR_FLAG} ${formatNet(free, free.ip)}`
      : `Choose a --${CIDR_FLAG} that no host interface uses${view.allowed ? ` and ${view.allowed.path} allows` : ''}.`,
  );
  throw new HostOnlyCidrError(problem.text, { actions, data: { flag: CIDR_FLAG, cidr: requested } });
}
