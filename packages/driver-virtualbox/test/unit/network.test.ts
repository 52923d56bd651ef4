import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostOnlyCidrError } from '../../src/errors.js';
import { type AllowedRanges, NETWORKS_CONF_ENV, readAllowedRanges } from '../../src/network/allowed-ranges.js';
import { chooseHostOnlyCidr, type HostNetworkView, parseHostOnlyCidr } from '../../src/network/choose-cidr.js';
import { dhcpPlan } from '../../src/network/dhcp-plan.js';
import { formatNet, netContains, netsOverlap, parseIpv4Cidr } from '../../src/network/ipv4.js';
import { conflictingRoutes } from '../../src/network/route-conflicts.js';
import type { HostOnlyAdapter } from '../../src/parse/hostonlyifs.js';
import { parseProcNetRoute } from '../../src/parse/proc-net-route.js';
import { routeTable } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-vbox-net-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const net = (text: string) => {
  const parsed = parseIpv4Cidr(text);
  if (!parsed) throw new Error(`not a CIDR: ${text}`);
  return parsed;
};

const adapter = (name: string, ip: string, mask = '255.255.255.0'): HostOnlyAdapter => ({
  name,
  guid: '',
  dhcp: false,
  ipAddress: ip,
  networkMask: mask,
  hardwareAddress: '',
  status: 'Up',
  networkName: `HostInterfaceNetworking-${name}`,
});

const DEFAULT_RANGES: AllowedRanges = {
  path: '/etc/vbox/networks.conf',
  present: false,
  ranges: [net('192.168.56.0/21')],
};

function view(parts: Partial<HostNetworkView> = {}): HostNetworkView {
  return { adapters: [], routes: [], allowed: DEFAULT_RANGES, ...parts };
}

function refusal(run: () => unknown): HostOnlyCidrError {
  try {
    run();
  } catch (error) {
    if (error instanceof HostOnlyCidrError) return error;
    throw error;
  }
  throw new Error('no HostOnlyCidrError was thrown');
}

describe('IPv4 networks', () => {
  it('parses, formats and compares CIDRs', () => {
    expect(formatNet(net('192.168.59.1/24'))).toBe('192.168.59.0/24');
    expect(formatNet(net('192.168.59.1/24'), net('192.168.59.1/24').ip)).toBe('192.168.59.1/24');
    expect(parseIpv4Cidr('192.168.59.1')).toBeUndefined();
    expect(parseIpv4Cidr('300.1.1.1/24')).toBeUndefined();
    expect(parseIpv4Cidr('10.0.0.1/33')).toBeUndefined();
    expect(netContains(net('192.168.56.0/21'), net('192.168.63.1/24'))).toBe(true);
    expect(netContains(net('192.168.56.0/21'), net('192.168.64.1/24'))).toBe(false);
    expect(netsOverlap(net('192.168.48.0/20'), net('192.168.59.1/24'))).toBe(true);
    expect(netsOverlap(net('192.168.58.0/24'), net('192.168.59.1/24'))).toBe(false);
  });
});

describe("Docker Machine's CIDR rules", () => {
  it('refuses what is no CIDR, and a network address, in its words', () => {
    expect(() => parseHostOnlyCidr('192.168.59.1')).toThrow('invalid CIDR address: 192.168.59.1');
    expect(refusal(() => parseHostOnlyCidr('192.168.59.0/24'))).toMatchObject({
      code: 'InvalidFlag',
      message: 'host-only cidr must be specified with a host address, not a network address',
      data: { flag: 'virtualbox-hostonly-cidr' },
    });
  });

  it('lays the DHCP server out as Docker Machine did: .100 to .254, the server beside the host', () => {
    expect(dhcpPlan(net('192.168.59.1/24'))).toEqual({
      ip: '192.168.59.2',
      mask: '255.255.255.0',
      lowerIp: '192.168.59.100',
      upperIp: '192.168.59.254',
    });
    expect(dhcpPlan(net('192.168.59.2/24')).ip).toBe('192.168.59.3');
    expect(dhcpPlan(net('10.1.2.1/28'))).toEqual({
      ip: '10.1.2.2',
      mask: '255.255.255.240',
      lowerIp: '10.1.2.3',
      upperIp: '10.1.2.14',
    });
  });
});

describe('networks.conf', () => {
  it('is read from BERTH_VBOX_NETWORKS_CONF; absent, only 192.168.56.0/21 is allowed', async () => {
    const file = join(dir, 'networks.conf');
    await writeFile(file, '* 10.0.0.0/8\n');
    const present = await readAllowedRanges({ [NETWORKS_CONF_ENV]: file });
    expect(present).toMatchObject({ path: file, present: true });
    expect(present.ranges.map((range) => formatNet(range))).toEqual(['10.0.0.0/8']);
    const absent = await readAllowedRanges({ [NETWORKS_CONF_ENV]: join(dir, 'none.conf') });
    expect(absent.present).toBe(false);
    expect(absent.ranges.map((range) => formatNet(range))).toEqual(['192.168.56.0/21']);
  });

  it("refuses Docker Machine's 192.168.99.1/24 naming the line to add, and offers Berth's default", () => {
    const error = refusal(() => chooseHostOnlyCidr('192.168.99.1/24', false, view()));
    expect(error.code).toBe('InvalidFlag');
    expect(error.message).toBe(
      'VirtualBox does not allow the host-only network 192.168.99.1/24: it allows 192.168.56.0/21 (the default: /etc/vbox/networks.conf does not exist)',
    );
    expect(error.actions).toEqual([
      'To allow it, add the line "* 192.168.99.0/24" to /etc/vbox/networks.conf (as root).',
      'Or choose a free network: --virtualbox-hostonly-cidr 192.168.59.1/24',
    ]);
  });

  it('is not applied where VirtualBox restricts nothing (Windows, before 6.1.28)', () => {
    expect(chooseHostOnlyCidr('192.168.99.1/24', false, view({ allowed: undefined }))).toEqual({
      cidr: '192.168.99.1/24',
    });
  });
});

describe('route conflicts', () => {
  const routes = parseProcNetRoute(
    routeTable([
      ['eth0', '0.0.0.0', 0, true],
      ['wlan0', '192.168.59.0', 24],
      ['vboxnet0', '192.168.57.0', 24],
      ['tun0', '192.168.0.0', 16, true],
    ]),
  );

  it('an interface network that overlaps clashes; host-only adapters by name, the default route and wider VPN routes do not', () => {
    const names = new Set(['vboxnet0']);
    expect(conflictingRoutes(routes, net('192.168.59.1/24'), names).map((route) => route.iface)).toEqual(['wlan0']);
    expect(conflictingRoutes(routes, net('192.168.57.1/24'), names)).toEqual([]);
    expect(conflictingRoutes(routes, net('192.168.57.1/24'), new Set()).map((route) => route.iface)).toEqual([
      'vboxnet0',
    ]);
  });

  it('a CIDR the user gave is refused with a free /24 of 192.168.56.0/21 to use instead', () => {
    const error = refusal(() =>
      chooseHostOnlyCidr('192.168.59.1/24', false, view({ routes, adapters: [adapter('vboxnet0', '192.168.57.1')] })),
    );
    expect(error.message).toBe(
      'host-only cidr conflicts with the network address of a host interface: 192.168.59.1/24 overlaps 192.168.59.0/24 on wlan0',
    );
    // 192.168.57.1/24 has an adapter Berth would reuse, so it is offered.
    expect(error.actions).toEqual(['Choose a free network: --virtualbox-hostonly-cidr 192.168.57.1/24']);
  });

  it("Berth's default is replaced by itself with the first free /24, saying why", () => {
    const choice = chooseHostOnlyCidr('192.168.59.1/24', true, view({ routes }));
    expect(choice.cidr).toBe('192.168.58.1/24');
    expect(choice.replaced).toContain('overlaps 192.168.59.0/24 on wlan0');
  });

  it('with nothing free the default is refused too', () => {
    const everything = parseProcNetRoute(routeTable([['docker0', '192.168.48.0', 20]]));
    const error = refusal(() => chooseHostOnlyCidr('192.168.59.1/24', true, view({ routes: everything })));
    expect(error.actions).toEqual([
      'Choose a --virtualbox-hostonly-cidr that no host interface uses and /etc/vbox/networks.conf allows.',
    ]);
  });

  it('an adapter that already has the address is reused, whatever else uses the range', () => {
    const adapters = [adapter('vboxnet0', '192.168.59.1')];
    const clash = parseProcNetRoute(routeTable([['vboxnet0', '192.168.59.0', 24]]));
    expect(chooseHostOnlyCidr('192.168.59.1/24', false, view({ adapters, routes: clash }))).toEqual({
      cidr: '192.168.59.1/24',
    });
    // Windows 10 misreports a new adapter's mask for a moment (docker/machine#1843).
    const misreported = [adapter('VirtualBox Host-Only Ethernet Adapter', '192.168.59.1', '15.0.0.0')];
    expect(chooseHostOnlyCidr('192.168.59.1/24', false, view({ adapters: misreported }))).toEqual({
      cidr: '192.168.59.1/24',
    });
  });

  it('another address in the network of an existing adapter clashes with it', () => {
    const adapters = [adapter('vboxnet3', '192.168.59.5')];
    const error = refusal(() => chooseHostOnlyCidr('192.168.59.1/24', false, view({ adapters })));
    expect(error.message).toContain('overlaps the host-only adapter "vboxnet3"');
  });
});
