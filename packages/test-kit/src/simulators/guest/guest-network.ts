import { tryDocker } from '../../engine/docker.js';
import { LABEL_KIT, LABEL_OWNER, LABEL_RUN } from '../../session/labels.js';
import { isProcessAlive } from '../../session/process-identity.js';
import { GuestNetworkError } from './guest-errors.js';

/** Label on every guest network and container: the simulator (its state dir id) that made it. */
export const LABEL_SIMULATOR = 'berth.testkit.simulator';

/**
 * A docker bridge standing for a host-only adapter or a Hyper-V switch. Internal: the machine
 * running the tests reaches the guests on it (the gateway is the machine's own address, as a
 * host-only adapter's IP is the host's), nothing is routed further.
 */
export interface GuestNetwork {
  /** Docker's network name. */
  name: string;
  /** IPv4 CIDR, e.g. 192.168.59.0/24. */
  subnet: string;
  /** The machine's address on it (a host-only adapter's IP). */
  gateway: string;
  /** Linux interface name for the bridge (`vboxnet0`), so the host sees an adapter of that name. */
  bridgeName?: string;
}

/** Who a network belongs to (the labels the orphan sweep reads). */
export interface GuestNetworkOwner {
  runId: string;
  owner: string;
  simulatorId: string;
}

interface InspectedNetwork {
  subnet: string | undefined;
  gateway: string | undefined;
}

async function inspectNetwork(name: string): Promise<InspectedNetwork | undefined> {
  const result = await tryDocker(['network', 'inspect', name, '--format', '{{json .IPAM.Config}}']);
  if (result.code !== 0) return undefined;
  const config = JSON.parse(result.stdout) as Array<{ Subnet?: string; Gateway?: string }>;
  const ipv4 = config.find((entry) => entry.Subnet && !entry.Subnet.includes(':'));
  return { subnet: ipv4?.Subnet, gateway: ipv4?.Gateway };
}

/** Creates the network unless it exists with the same subnet (a concurrent creator is fine). */
export async function ensureGuestNetwork(owner: GuestNetworkOwner, network: GuestNetwork): Promise<void> {
  const existing = await inspectNetwork(network.name);
  if (existing) {
    if (existing.subnet === network.subnet && existing.gateway === network.gateway) return;
    // The adapter was re-addressed while no guest used it: the bridge follows.
    await removeGuestNetwork(network.name);
  }
  const created = await tryDocker([
    'network',
    'create',
    '--internal',
    '--subnet',
    network.subnet,
    '--gateway',
    network.gateway,
    ...(network.bridgeName ? ['-o', `com.docker.network.bridge.name=${network.bridgeName}`] : []),
    '--label',
    `${LABEL_KIT}=1`,
    '--label',
    `${LABEL_RUN}=${owner.runId}`,
    '--label',
    `${LABEL_OWNER}=${owner.owner}`,
    '--label',
    `${LABEL_SIMULATOR}=${owner.simulatorId}`,
    network.name,
  ]);
  if (created.code === 0 || created.stderr.includes('already exists')) return;
  throw new GuestNetworkError(
    `could not create docker network ${network.name} (${network.subnet}${network.bridgeName ? `, bridge ${network.bridgeName}` : ''}): ${created.stderr.trim()}`,
  );
}

/** Removes the network; containers still attached (stopped guests) are disconnected first. */
export async function removeGuestNetwork(name: string): Promise<void> {
  const attached = await tryDocker(['network', 'inspect', name, '--format', '{{range .Containers}}{{.Name}} {{end}}']);
  if (attached.code !== 0) return;
  for (const container of attached.stdout.split(/\s+/).filter(Boolean)) {
    await tryDocker(['network', 'disconnect', '--force', name, container]);
  }
  await tryDocker(['network', 'rm', name]);
}

/** Names of the docker networks a simulator made. */
export async function simulatorNetworks(simulatorId: string): Promise<string[]> {
  const listed = await tryDocker([
    'network',
    'ls',
    '--filter',
    `label=${LABEL_SIMULATOR}=${simulatorId}`,
    '--format',
    '{{.Name}}',
  ]);
  return listed.code === 0 ? listed.stdout.split('\n').filter((line) => line.trim()) : [];
}

/**
 * Removes guest networks whose owning test process is gone. The session reaper removes
 * containers and volumes only, so a killed run would otherwise keep its `vboxnetN` bridges (and
 * their subnets) until the next simulator starts and calls this.
 */
export async function reapOrphanGuestNetworks(): Promise<void> {
  const listed = await tryDocker([
    'network',
    'ls',
    '--filter',
    `label=${LABEL_SIMULATOR}`,
    '--format',
    `{{.Name}} {{.Label "${LABEL_OWNER}"}}`,
  ]);
  if (listed.code !== 0) return;
  for (const line of listed.stdout.split('\n')) {
    const [name, owner] = line.trim().split(' ');
    if (name && owner && !isProcessAlive(owner)) await removeGuestNetwork(name);
  }
}

/** The networks a container is on now, with its address on each. */
export async function containerNetworks(container: string): Promise<Map<string, string>> {
  const inspected = await tryDocker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', container]);
  const found = new Map<string, string>();
  if (inspected.code !== 0) return found;
  const networks = JSON.parse(inspected.stdout) as Record<
    string,
    { IPAddress?: string; IPAMConfig?: { IPv4Address?: string } | null }
  >;
  for (const [name, settings] of Object.entries(networks)) {
    found.set(name, settings.IPAMConfig?.IPv4Address || settings.IPAddress || '');
  }
  return found;
}

/**
 * Puts a (stopped or new) container on `network` at `ip` (docker picks one when undefined:
 * the guest drops it again, see guest-setup), moving it when it sits there at another address.
 */
export async function connectGuestNic(container: string, network: GuestNetwork, ip: string | undefined): Promise<void> {
  const current = await containerNetworks(container);
  if (current.has(network.name)) {
    if (ip === undefined || current.get(network.name) === ip) return;
    await tryDocker(['network', 'disconnect', '--force', network.name, container]);
  }
  const joined = await tryDocker(['network', 'connect', ...(ip ? ['--ip', ip] : []), network.name, container]);
  if (joined.code !== 0) {
    throw new GuestNetworkError(
      `could not attach ${container} to ${network.name}${ip ? ` at ${ip}` : ''}: ${joined.stderr.trim()}`,
    );
  }
}

/** Takes a stopped container off every network not in `keep` (an adapter removed or changed). */
export async function disconnectOtherNetworks(container: string, keep: readonly string[]): Promise<void> {
  for (const name of (await containerNetworks(container)).keys()) {
    if (!keep.includes(name)) await tryDocker(['network', 'disconnect', '--force', name, container]);
  }
}
