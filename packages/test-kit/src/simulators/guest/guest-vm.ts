// The machine behind a simulated hypervisor VM: a test-kit host container (Debian 12, systemd,
// sshd) that boots from what the VM was given (a NoCloud seed or a boot2docker disk), sits on
// the docker networks that stand for the VM's adapters or switch, and powers off the way a VM
// does. Used by the VBoxManage and the Hyper-V simulators; both run it from short-lived CLI
// processes, so everything here is a function of docker's own state plus the caller's records.
import { tryDocker } from '../../engine/docker.js';
import { SYSTEMD_CONTAINER_FLAGS } from '../../hosts/container-flags.js';
import { addressTaken } from '../../hosts/network.js';
import { LABEL_KIT, LABEL_OWNER, LABEL_RUN } from '../../session/labels.js';
import { readBoot2DockerDisk } from './boot2docker-disk.js';
import { GuestStartError } from './guest-errors.js';
import { connectGuestNic, disconnectOtherNetworks, type GuestNetwork, LABEL_SIMULATOR } from './guest-network.js';
import { type GuestLogin, guestSetupScript } from './guest-setup.js';
import { readNoCloudSeed } from './nocloud-seed-reader.js';

/** Who the guests belong to: labels for the session's reaper, and the images to boot. */
export interface GuestOwner {
  /** The test session's run id (LABEL_RUN): its reaper removes the containers and volumes. */
  runId: string;
  /** `pid:starttime` of the test process that owns the session (LABEL_OWNER). */
  owner: string;
  /** A short id of the simulator instance (LABEL_SIMULATOR), part of every container name. */
  simulatorId: string;
  /** Image for cloud-image VMs (the test kit's `adopt` image: docker.io installed). */
  cloudImage: string;
  /** Image for boot2docker VMs (`boot2docker` variant; the adopt image until that exists). */
  boot2dockerImage: string;
}

/** One virtual NIC of a guest: a docker network, the guest's MAC on it and its IPv4 (if any). */
export interface GuestNic {
  network: GuestNetwork;
  /** 12 hex digits or colon-separated; the guest's interface gets exactly this MAC. */
  mac: string;
  /**
   * The guest's address on the network (a DHCP lease, a switch's address). undefined: the
   * interface comes up with no IPv4, as a VM on a network without DHCP.
   */
  ip: string | undefined;
}

/** What the VM boots from, which decides the login the guest gets. */
export type GuestMedia =
  /** A cloud image with a NoCloud seed ISO (volume id `cidata`): user-data's hostname and users. */
  | { kind: 'nocloud'; seedIso: string }
  /** A boot2docker ISO with a data disk whose first bytes are the b2d tar: user `docker` and its key. */
  | { kind: 'boot2docker'; disk: string }
  /** Nothing the guest can configure itself from: it boots, nobody can log in. */
  | { kind: 'none' };

export interface GuestSpec {
  /** The hypervisor's id for the VM (a UUID); names the container. */
  vmId: string;
  /** Hostname when the media sets none (boot2docker's `boot2docker`, the VM's name, ...). */
  defaultHostname: string;
  media: GuestMedia;
  /** In order: the first is the container's primary network. At least one. */
  nics: GuestNic[];
}

/** A started guest as the simulator records it. */
export interface StartedGuest {
  container: string;
  /** Hostname the guest was given. */
  hostname: string;
  /** Users that can log in (user-data's, or `docker` for boot2docker). */
  logins: GuestLogin[];
  /** Whether user-data asks for a package by this name (Hyper-V's KVP daemon: `hyperv-daemons`). */
  packages: string[];
}

/** The container's lifecycle as docker reports it, folded to what a hypervisor needs. */
export type GuestRunState = 'running' | 'paused' | 'stopped' | 'absent';

/** The container name of a VM's guest (stable across power cycles: the disk survives). */
export function guestContainerName(owner: GuestOwner, vmId: string): string {
  return `berth-guest-${owner.simulatorId}-${vmId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
}

function labelArgs(owner: GuestOwner): string[] {
  return [
    '--label',
    `${LABEL_KIT}=1`,
    '--label',
    `${LABEL_RUN}=${owner.runId}`,
    '--label',
    `${LABEL_OWNER}=${owner.owner}`,
    '--label',
    `${LABEL_SIMULATOR}=${owner.simulatorId}`,
  ];
}

/** Reads the boot media into the login it gives; throws GuestMediaError when the media is wrong. */
async function loginsFromMedia(
  media: GuestMedia,
  defaultHostname: string,
): Promise<{ hostname: string; logins: GuestLogin[]; packages: string[] }> {
  if (media.kind === 'nocloud') {
    const seed = await readNoCloudSeed(media.seedIso);
    return { hostname: seed.hostname ?? defaultHostname, logins: seed.users, packages: seed.packages };
  }
  if (media.kind === 'boot2docker') {
    const disk = await readBoot2DockerDisk(media.disk);
    const login: GuestLogin = {
      name: 'docker',
      sshAuthorizedKeys: disk.authorizedKeys,
      sudoRules: ['ALL=(ALL) NOPASSWD:ALL'],
      groups: ['docker'],
    };
    return { hostname: defaultHostname, logins: [login], packages: [] };
  }
  return { hostname: defaultHostname, logins: [], packages: [] };
}

/**
 * Powers the guest on: the first time it creates the container (with `/var/lib/docker` on a
 * volume, as the session's hosts have) and applies the media; later it starts the same container
 * again (its disk kept) and re-applies the media, which is idempotent as cloud-init's per-instance
 * modules are. Every NIC gets its MAC and IPv4. Resolves once the container runs and is
 * configured, before sshd answers (see waitForSshd): a hypervisor's start returns at power-on.
 */
export async function startGuest(owner: GuestOwner, spec: GuestSpec): Promise<StartedGuest> {
  const [primary, ...others] = spec.nics;
  if (!primary) throw new GuestStartError(`guest ${spec.vmId} has no network adapter to attach`);
  const boot = await loginsFromMedia(spec.media, spec.defaultHostname);
  const container = guestContainerName(owner, spec.vmId);
  const image = spec.media.kind === 'boot2docker' ? owner.boot2dockerImage : owner.cloudImage;
  const state = (await guestStates(owner)).get(container) ?? 'absent';
  if (state === 'absent') {
    await createGuestContainer(owner, container, boot.hostname, image, primary);
  } else if (state === 'running' || state === 'paused') {
    throw new GuestStartError(`guest ${container} is already powered on`);
  }
  if (state === 'stopped') {
    // The VM's adapters may have changed while it was off: the container follows them.
    await disconnectOtherNetworks(
      container,
      spec.nics.map((nic) => nic.network.name),
    );
    await connectGuestNic(container, primary.network, primary.ip);
  }
  for (const nic of others) await connectGuestNic(container, nic.network, nic.ip);
  if (state === 'stopped') {
    const started = await tryDocker(['start', container]);
    if (started.code !== 0) throw new GuestStartError(`docker start ${container}: ${started.stderr.trim()}`);
  }
  await configureGuest(container, spec.nics, boot.hostname, boot.logins);
  return { container, hostname: boot.hostname, logins: boot.logins, packages: boot.packages };
}

async function createGuestContainer(
  owner: GuestOwner,
  container: string,
  hostname: string,
  image: string,
  primary: GuestNic,
): Promise<void> {
  const volume = `${container}-docker`;
  const labels = labelArgs(owner);
  const madeVolume = await tryDocker(['volume', 'create', ...labels, volume]);
  if (madeVolume.code !== 0) throw new GuestStartError(`docker volume create ${volume}: ${madeVolume.stderr.trim()}`);
  const args = [
    'run',
    '--detach',
    '--name',
    container,
    '--hostname',
    hostname,
    '--network',
    primary.network.name,
    ...(primary.ip ? ['--ip', primary.ip] : []),
    // No --mac-address: a newer docker CLI turns it into a per-network setting that a 20.10
    // engine (API 1.41) refuses; the guest's boot unit sets every NIC's MAC instead.
    ...labels,
    ...SYSTEMD_CONTAINER_FLAGS,
    // A Docker engine inside needs a real (non-overlay) filesystem under it.
    '-v',
    `${volume}:/var/lib/docker`,
    image,
  ];
  const run = await tryDocker(args);
  if (run.code !== 0) {
    await tryDocker(['rm', '-f', container]);
    const why = addressTaken(run.stderr) ? ' (the address is taken on that network)' : '';
    throw new GuestStartError(`docker run ${container}${why}: ${run.stderr.trim()}`);
  }
}

/**
 * Sets each NIC's MAC (here and at every later boot, see guest-setup), drops an address the
 * guest must not have (a NIC without lease), then the hostname and logins.
 */
async function configureGuest(container: string, nics: GuestNic[], hostname: string, logins: GuestLogin[]) {
  const placeholders = await nicPlaceholders(container, nics);
  const script = guestSetupScript({ hostname, logins, nics: placeholders });
  const result = await tryDocker(['exec', '-i', container, 'sh', '-s'], { input: script, timeoutMs: 60_000 });
  if (result.code !== 0) {
    throw new GuestStartError(`configuring guest ${container} failed: ${(result.stderr || result.stdout).trim()}`);
  }
}

/** For each NIC, the address docker gave the container on its network (how the script finds the interface). */
async function nicPlaceholders(
  container: string,
  nics: GuestNic[],
): Promise<Array<{ dockerIp: string; mac: string; keepIp: boolean }>> {
  const format = '{{json .NetworkSettings.Networks}}';
  const inspected = await tryDocker(['inspect', '--format', format, container]);
  if (inspected.code !== 0) throw new GuestStartError(`docker inspect ${container}: ${inspected.stderr.trim()}`);
  const networks = JSON.parse(inspected.stdout) as Record<string, { IPAddress?: string }>;
  return nics.map((nic) => {
    const dockerIp = networks[nic.network.name]?.IPAddress ?? '';
    if (!dockerIp) throw new GuestStartError(`guest ${container} is not on network ${nic.network.name}`);
    return { dockerIp, mac: colonMac(nic.mac), keepIp: nic.ip !== undefined };
  });
}

/**
 * ACPI power button: the guest OS shuts itself down (systemd power-off; the container then
 * exits 0 and stays stopped). Returns at once; poll guestStates for the result.
 */
export async function shutdownGuest(container: string): Promise<void> {
  await tryDocker(['exec', '--detach', container, 'systemctl', 'poweroff']);
}

/** Pulls the plug (VirtualBox `controlvm poweroff`, Hyper-V `Stop-VM -TurnOff`). */
export async function killGuest(container: string): Promise<void> {
  await tryDocker(['kill', container]);
}

/** Freezes the guest (paused / saved: memory kept, nothing runs). */
export async function pauseGuest(container: string): Promise<void> {
  await tryDocker(['pause', container]);
}

export async function resumeGuest(container: string): Promise<void> {
  await tryDocker(['unpause', container]);
}

/** The state of every guest container of this simulator, in one docker call. */
export async function guestStates(owner: Pick<GuestOwner, 'simulatorId'>): Promise<Map<string, GuestRunState>> {
  const listed = await tryDocker([
    'ps',
    '-a',
    '--filter',
    `label=${LABEL_SIMULATOR}=${owner.simulatorId}`,
    '--format',
    '{{.Names}}\t{{.State}}\t{{.Status}}',
  ]);
  const states = new Map<string, GuestRunState>();
  if (listed.code !== 0) return states;
  for (const line of listed.stdout.split('\n')) {
    const [name, state, status] = line.trim().split('\t');
    if (!name) continue;
    states.set(name, foldState(state ?? '', status ?? ''));
  }
  return states;
}

/** systemd as PID 1 ends with 129 on a reboot from inside; the session's watcher starts it again. */
const REBOOT_EXIT = /^Exited \(129\)/;

function foldState(state: string, status: string): GuestRunState {
  if (state === 'running' || state === 'restarting') return 'running';
  if (state === 'paused') return 'paused';
  if (REBOOT_EXIT.test(status)) return 'running';
  return 'stopped';
}

/** Removes the guest and its disk for good (VM deleted). */
export async function removeGuest(container: string): Promise<void> {
  await tryDocker(['rm', '--force', '--volumes', container]);
  await tryDocker(['volume', 'rm', '--force', `${container}-docker`]);
}

/** `08002712abcd` or `08:00:27:12:ab:cd` -> `08:00:27:12:ab:cd`. */
export function colonMac(mac: string): string {
  const hex = mac.replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
  if (hex.length !== 12) throw new GuestStartError(`not a MAC address: ${mac}`);
  return hex.match(/../g)?.join(':') ?? hex;
}

export type { GuestNetwork } from './guest-network.js';
export type { GuestLogin } from './guest-setup.js';
