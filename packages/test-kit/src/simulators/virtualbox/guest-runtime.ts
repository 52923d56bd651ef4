import { join } from 'node:path';
import { addressTaken, freeAddress } from '../../hosts/network.js';
import { isBoot2DockerDisk } from '../guest/boot2docker-disk.js';
import { GuestError } from '../guest/guest-errors.js';
import { ensureGuestNetwork, type GuestNetwork, removeGuestNetwork } from '../guest/guest-network.js';
import {
  type GuestMedia,
  type GuestNic,
  type GuestOwner,
  guestStates,
  killGuest,
  pauseGuest,
  removeGuest,
  resumeGuest,
  shutdownGuest,
  startGuest,
} from '../guest/guest-vm.js';
import { startForwarder, stopForwarder, stopForwarders } from '../guest/nat-forwarder.js';
import { isoVolumeId } from '../guest/nocloud-seed-reader.js';
import { setState } from './command-context.js';
import { leaseFor } from './dhcp-leases.js';
import { maskToPrefix, networkOf } from './ipv4.js';
import type { NatRule, Registry, VmRecord } from './registry.js';
import { FORWARDERS_DIR, type SimConfig } from './sim-config.js';
import { VBoxManageError } from './vbox-errors.js';

/** The docker network standing for a host-only adapter (names may hold spaces on Windows). */
export function adapterNetworkName(simulatorId: string, adapter: string): string {
  return `berth-vbox-${simulatorId}-${adapter.replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

/** A simulator failure that VBoxManage reports as its own error (exit 1), naming the cause. */
function simulatorError(error: unknown): VBoxManageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof GuestError ? error.code : 'E_SIMULATOR';
  return new VBoxManageError(code, [`[VBoxManage simulator] the guest cannot power on: ${message}`]);
}

/**
 * What stands behind the registry's VMs: guest containers (guests mode), or timers only. Every
 * invocation first settles the registry against it: a guest that shut itself down is powered off.
 */
export class GuestRuntime {
  constructor(
    private readonly config: SimConfig,
    private readonly stateDir: string,
  ) {}

  private get owner(): GuestOwner | undefined {
    return this.config.guests ? this.config.guest : undefined;
  }

  private get recordsDir(): string {
    return join(this.stateDir, FORWARDERS_DIR);
  }

  /** Folds what happened since the last call into the registry (ACPI power-offs, dead guests). */
  async settle(registry: Registry): Promise<void> {
    const now = Date.now();
    for (const vm of registry.vms) {
      if (vm.state === 'running' && vm.acpiOffAt !== undefined && vm.acpiOffAt <= now) setState(vm, 'poweroff');
    }
    const owner = this.owner;
    if (!owner) return;
    const watched = registry.vms.filter((vm) => vm.guest && vm.state !== 'poweroff' && vm.state !== 'aborted');
    if (watched.length === 0) return;
    const states = await guestStates(owner);
    for (const vm of watched) {
      const state = states.get(vm.guest?.container ?? '') ?? 'absent';
      if (state === 'stopped') setState(vm, vm.state === 'running' ? 'poweroff' : 'aborted');
      if (state === 'absent') {
        setState(vm, 'aborted');
        delete vm.guest;
      }
    }
  }

  /** Which media the guest boots from: a b2d disk, else a DVD that is not a b2d ISO is the seed. */
  private async mediaOf(vm: VmRecord): Promise<GuestMedia> {
    const attachments = vm.storage.flatMap((controller) => controller.attachments);
    for (const disk of attachments.filter((a) => a.type === 'hdd')) {
      if (await isBoot2DockerDisk(disk.medium)) return { kind: 'boot2docker', disk: disk.medium };
    }
    for (const dvd of attachments.filter((a) => a.type === 'dvddrive' && a.medium !== 'emptydrive')) {
      const volumeId = await isoVolumeId(dvd.medium).catch(() => undefined);
      if (volumeId && /^boot2docker/i.test(volumeId)) continue;
      // Anything else in a DVD drive of a cloud-image VM is meant as its seed: read it as one
      // (a wrong label fails the start with the reason, rather than a guest nobody can log into).
      return { kind: 'nocloud', seedIso: dvd.medium };
    }
    return { kind: 'none' };
  }

  private async nicsOf(owner: GuestOwner, vm: VmRecord, registry: Registry): Promise<GuestNic[]> {
    const hostOnly: GuestNic[] = [];
    const nat: GuestNic[] = [];
    for (const nic of vm.nics) {
      if (nic.attachment === 'hostonly') {
        const adapter = registry.hostOnlyIfs.find((a) => a.name === nic.hostOnlyAdapter);
        const prefix = adapter ? maskToPrefix(adapter.netmask) : undefined;
        if (!adapter || prefix === undefined) continue;
        const network: GuestNetwork = {
          name: adapterNetworkName(owner.simulatorId, adapter.name),
          subnet: `${networkOf(adapter.ip, prefix)}/${prefix}`,
          gateway: adapter.ip,
        };
        if (this.config.platform !== 'windows' && /^[A-Za-z0-9_.-]{1,15}$/.test(adapter.name)) {
          network.bridgeName = adapter.name;
        }
        await ensureGuestNetwork(owner, network);
        hostOnly.push({ network, mac: nic.mac, ip: leaseFor(registry, adapter, nic.mac) });
      } else if (nic.attachment === 'nat' && this.config.natNetwork && nat.length === 0) {
        const natNetwork = this.config.natNetwork;
        const ip = vm.guest?.natIp ?? (await freeAddress(natNetwork));
        nat.push({ network: natNetwork, mac: nic.mac, ip });
      }
    }
    // Host-only first: the container's primary network is the adapter's, as eth0 of the guest
    // is the NIC Berth and docker-machine look for by MAC.
    return [...hostOnly, ...nat];
  }

  /** Powers the guest on (or just the state without guests); returns lines for VBox.log. */
  async powerOn(vm: VmRecord, registry: Registry): Promise<string[]> {
    const owner = this.owner;
    if (!owner) return [];
    try {
      const media = await this.mediaOf(vm);
      let nics = await this.nicsOf(owner, vm, registry);
      if (nics.length === 0) throw new Error('the VM has no NAT or host-only adapter the simulator can attach');
      let started: Awaited<ReturnType<typeof startGuest>> | undefined;
      for (let attempt = 0; !started; attempt += 1) {
        try {
          started = await startGuest(owner, { vmId: vm.uuid, defaultHostname: vm.name, media, nics });
        } catch (error) {
          // Another host took the NAT address meanwhile: pick another one.
          if (attempt >= 4 || !(error instanceof Error) || !addressTaken(error.message)) throw error;
          delete vm.guest;
          nics = await this.nicsOf(owner, vm, registry);
        }
      }
      const natNic = nics.find((nic) => nic.network.name === this.config.natNetwork?.name);
      const hostOnlyNic = nics.find((nic) => nic.network.name !== this.config.natNetwork?.name);
      vm.guest = { container: started.container, hostname: started.hostname };
      if (natNic?.ip) vm.guest.natIp = natNic.ip;
      if (hostOnlyNic?.ip) vm.guest.hostOnlyIp = hostOnlyNic.ip;
      this.recordGuestInfo(vm);
      const log: string[] = [];
      for (const [index, nic] of vm.nics.entries()) {
        if (nic.attachment !== 'nat') continue;
        for (const rule of nic.natRules) log.push(await this.forward(vm, index, rule));
      }
      return log;
    } catch (error) {
      throw simulatorError(error);
    }
  }

  /** Guest properties the Guest Additions would report once the guest has its addresses. */
  private recordGuestInfo(vm: VmRecord): void {
    const addresses = [vm.guest?.natIp, vm.guest?.hostOnlyIp];
    addresses.forEach((ip, i) => {
      if (ip) vm.guestProperties[`/VirtualBox/GuestInfo/Net/${i}/V4/IP`] = ip;
    });
    vm.guestProperties['/VirtualBox/GuestInfo/Net/Count'] = String(addresses.filter(Boolean).length);
  }

  private async forward(vm: VmRecord, nicIndex: number, rule: NatRule): Promise<string> {
    const owner = this.owner;
    const target = rule.guestIp || vm.guest?.natIp;
    if (!owner || !vm.guest || !target) return `NAT: no guest address for redirect ${rule.name}`;
    // An empty host IP means every host address to VirtualBox; the simulator listens on
    // loopback only, so nothing it opens is reachable from outside this machine.
    const listenHost = rule.hostIp || '127.0.0.1';
    try {
      await startForwarder({
        id: `${vm.uuid}-${nicIndex}-${rule.name}`,
        recordsDir: this.recordsDir,
        listenHost,
        listenPort: rule.hostPort,
        targetHost: target,
        targetPort: rule.guestPort,
        container: vm.guest.container,
        owner: owner.owner,
      });
      return `NAT: set redirect ${rule.proto.toUpperCase()} host port=${listenHost}:${rule.hostPort} guest port=${target}:${rule.guestPort}`;
    } catch (error) {
      // VirtualBox starts the VM anyway and logs the failed redirect.
      return `NAT#${nicIndex}: configuration error: failed to set up redirection of ${rule.hostPort} to ${rule.guestPort}. Probably a conflict with existing services or other rules (${error instanceof Error ? error.message : String(error)})`;
    }
  }

  /** A NAT rule added or removed while the VM runs (`controlvm natpfN`). */
  async natRuleAdded(vm: VmRecord, nicIndex: number, rule: NatRule): Promise<void> {
    if (this.owner && vm.guest && vm.state === 'running') await this.forward(vm, nicIndex, rule);
  }

  async natRuleRemoved(vm: VmRecord, nicIndex: number, name: string): Promise<void> {
    await stopForwarder(this.recordsDir, `${vm.uuid}-${nicIndex}-${name}`);
  }

  /** ACPI power button: the guest shuts down by itself (or, without guests, after a delay). */
  async acpiShutdown(vm: VmRecord): Promise<void> {
    if (this.owner && vm.guest) await shutdownGuest(vm.guest.container);
    else vm.acpiOffAt = Date.now() + this.config.acpiDelayMs;
  }

  /** Pulls the plug; the forwarders go with it. */
  async kill(vm: VmRecord): Promise<void> {
    if (this.owner && vm.guest) await killGuest(vm.guest.container);
    await stopForwarders(this.recordsDir, vm.uuid);
  }

  async pause(vm: VmRecord): Promise<void> {
    if (this.owner && vm.guest) await pauseGuest(vm.guest.container);
  }

  async resume(vm: VmRecord): Promise<void> {
    if (this.owner && vm.guest) await resumeGuest(vm.guest.container);
  }

  /** The VM is gone (unregistered): its guest and disk too. */
  async forget(vm: VmRecord): Promise<void> {
    await stopForwarders(this.recordsDir, vm.uuid);
    if (this.owner && vm.guest) await removeGuest(vm.guest.container);
    delete vm.guest;
  }

  /** A removed host-only adapter takes its docker network along. */
  async adapterRemoved(name: string): Promise<void> {
    const owner = this.owner;
    if (owner) await removeGuestNetwork(adapterNetworkName(owner.simulatorId, name));
  }
}
