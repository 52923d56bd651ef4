import { randomInt } from 'node:crypto';
import { docker, tryDocker } from '../engine/docker.js';
import { LABEL_KIT } from '../session/labels.js';

/** An internal bridge with a subnet of our choosing, so hosts can have fixed addresses. */
export const NETWORK_NAME = 'berth-testkit-net';

// Tried in order until Docker accepts one that overlaps nothing on this machine.
const CANDIDATE_SUBNETS = ['172.30.0.0/16', '172.29.0.0/16', '10.251.0.0/16', '192.168.251.0/24'];

export interface TestNetwork {
  name: string;
  /** The bridge's address on this machine: test hosts reach the machine through it. */
  gateway: string;
  subnet: string;
}

async function inspectNetwork(): Promise<TestNetwork | undefined> {
  const result = await tryDocker(['network', 'inspect', NETWORK_NAME, '--format', '{{json .IPAM.Config}}']);
  if (result.code !== 0) return undefined;
  const config = JSON.parse(result.stdout) as Array<{ Subnet?: string; Gateway?: string }>;
  const ipv4 = config.find((entry) => entry.Subnet && !entry.Subnet.includes(':'));
  if (!ipv4?.Subnet) throw new Error(`network ${NETWORK_NAME} has no IPv4 subnet: ${result.stdout}`);
  // Without an explicit --gateway Docker gives the bridge the subnet's first host address.
  return { name: NETWORK_NAME, gateway: ipv4.Gateway || firstHost(ipv4.Subnet), subnet: ipv4.Subnet };
}

/**
 * An internal bridge: the machine reaches the hosts and they reach it, but nothing is routed
 * further, so no test host can send traffic off this machine. Its subnet is set explicitly,
 * which lets every host keep a fixed address across reboots, as a VM with a static IP does.
 */
export async function ensureNetwork(): Promise<TestNetwork> {
  const existing = await inspectNetwork();
  if (existing) return existing;
  const refusals: string[] = [];
  for (const subnet of CANDIDATE_SUBNETS) {
    const created = await tryDocker([
      'network',
      'create',
      '--internal',
      '--subnet',
      subnet,
      '--gateway',
      firstHost(subnet),
      '--label',
      `${LABEL_KIT}=1`,
      NETWORK_NAME,
    ]);
    if (created.code === 0 || created.stderr.includes('already exists')) {
      const network = await inspectNetwork();
      if (network) return network;
    }
    refusals.push(`${subnet}: ${created.stderr.trim()}`);
  }
  throw new Error(`could not create the test network ${NETWORK_NAME}:\n${refusals.join('\n')}`);
}

/** A random address of the network that no container holds now (the caller retries on a race). */
export async function freeAddress(network: TestNetwork): Promise<string> {
  const used = new Set(
    (await docker(['network', 'inspect', network.name, '--format', '{{range .Containers}}{{.IPv4Address}} {{end}}']))
      .split(/\s+/)
      .filter(Boolean)
      .map((cidr) => cidr.split('/')[0]),
  );
  used.add(network.gateway);
  const [base, bitsText] = network.subnet.split('/');
  const bits = Number(bitsText);
  const start = (base as string).split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const size = 2 ** (32 - bits);
  for (;;) {
    const value = start + randomInt(2, size - 1);
    const address = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
    if (!used.has(address)) return address;
  }
}

/** The subnet's first host address (x.y.0.1 for x.y.0.0/16): the bridge's own. */
function firstHost(subnet: string): string {
  const parts = (subnet.split('/')[0] as string).split('.');
  parts[3] = String(Number(parts[3]) + 1);
  return parts.join('.');
}

export async function containerAddress(container: string): Promise<string> {
  const format = `{{with index .NetworkSettings.Networks "${NETWORK_NAME}"}}{{.IPAddress}}{{end}}`;
  return (await docker(['inspect', '--format', format, container])).trim();
}

/** Whether a docker error says the address was taken meanwhile (another process won the race). */
export function addressTaken(message: string): boolean {
  return /address already in use|is already allocated|No available addresses/i.test(message);
}
