import { runCommand } from '../../engine/run-command.js';
import {
  ensureGuestNetwork,
  type GuestMedia,
  type GuestNetwork,
  type GuestOwner,
  type GuestRunState,
  guestStates,
  isoVolumeId,
  killGuest,
  readBoot2DockerDisk,
  removeGuest,
  shutdownGuest,
  sshdAnswers,
  startGuest,
} from '../guest/index.js';
import { subnetGateway } from './hyperv-addresses.js';
import type { SimSwitch, VmGuestRecord, VmRecord } from './hyperv-world.js';

/** Hyper-V's KVP daemon: a guest reports its addresses only when its seed installs it (contract §2). */
export const KVP_PACKAGE = 'hyperv-daemons';

/** How long a graceful shutdown may take before the simulator pulls the plug on the container. */
const SHUTDOWN_LIMIT_MS = 90_000;

/** The docker network standing for a switch (one per simulator and switch). */
export function switchNetwork(owner: GuestOwner, vSwitch: SimSwitch): GuestNetwork {
  if (!vSwitch.subnet) throw new Error(`switch "${vSwitch.Name}" has no subnet: a guest cannot join it`);
  return {
    name: `berth-hv-${owner.simulatorId}-${vSwitch.Id.slice(0, 8)}`,
    subnet: vSwitch.subnet,
    gateway: subnetGateway(vSwitch.subnet),
  };
}

/**
 * What the VM boots from, as Hyper-V firmware would find it: a DVD labelled `cidata` is a NoCloud
 * seed for the cloud image; otherwise a hard disk that starts with the boot2docker tar is a
 * boot2docker data disk; otherwise the guest boots with nothing to configure it.
 */
async function mediaOf(vm: VmRecord): Promise<GuestMedia> {
  for (const dvd of vm.dvdPaths) {
    const label = await isoVolumeId(dvd).catch(() => '');
    if (label.toLowerCase() === 'cidata') return { kind: 'nocloud', seedIso: dvd };
  }
  for (const disk of vm.hardDisks) {
    const b2d = await readBoot2DockerDisk(disk).then(
      () => true,
      () => false,
    );
    if (b2d) return { kind: 'boot2docker', disk };
  }
  return { kind: 'none' };
}

/** Powers the VM's guest on; resolves at power-on (sshd comes later). */
export async function bootGuest(
  owner: GuestOwner,
  vm: VmRecord,
  vSwitch: SimSwitch,
  ipv4: string | undefined,
): Promise<VmGuestRecord> {
  const network = switchNetwork(owner, vSwitch);
  await ensureGuestNetwork(owner, network);
  const media = await mediaOf(vm);
  const started = await startGuest(owner, {
    vmId: vm.id,
    defaultHostname: media.kind === 'boot2docker' ? 'boot2docker' : vm.name.replace(/[^A-Za-z0-9-]/g, '-'),
    media,
    nics: [{ network, mac: vm.macAddress, ip: ipv4 }],
  });
  // boot2docker's ISO runs the KVP daemon itself (reference §3.6); a cloud image only if the seed installs it.
  const kvpDaemon = media.kind === 'boot2docker' || started.packages.includes(KVP_PACKAGE);
  return { container: started.container, ipv4: ipv4 ?? '', kvpDaemon, reporting: false };
}

/** Graceful shutdown: the guest powers itself off; the plug is pulled if it takes too long. */
export async function shutDownGuest(owner: GuestOwner, container: string): Promise<void> {
  await shutdownGuest(container);
  const deadline = Date.now() + SHUTDOWN_LIMIT_MS;
  while (Date.now() < deadline) {
    const state = (await guestStates(owner)).get(container) ?? 'absent';
    if (state === 'stopped' || state === 'absent') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await killGuest(container);
}

export async function turnOffGuest(container: string): Promise<void> {
  await killGuest(container);
}

export async function deleteGuest(container: string): Promise<void> {
  await removeGuest(container);
}

export async function guestRunStates(owner: GuestOwner): Promise<Map<string, GuestRunState>> {
  return guestStates(owner);
}

/** Whether the guest's sshd is up: over the switch network, or inside the guest when it has no IPv4. */
export async function guestSshdUp(guest: VmGuestRecord): Promise<boolean> {
  if (guest.ipv4 !== '') return sshdAnswers(guest.ipv4, 22, 500);
  const probe = await runCommand('docker', ['exec', guest.container, 'systemctl', 'is-active', '--quiet', 'ssh'], {
    timeoutMs: 5_000,
  });
  return probe.code === 0;
}
