import { randomUUID } from 'node:crypto';
import { pathExists } from '../../files/file-checks.js';
import { removeGuestNetwork } from '../guest/index.js';
import { dynamicMac, leaseAddress, linkLocalFromMac, normaliseMac } from './hyperv-addresses.js';
import {
  fileNotFound,
  generalAccessDenied,
  guestFailedToStart,
  hypervisorNotRunning,
  invalidMacAddress,
  memoryNotAligned,
  nonInteractivePrompt,
  outOfMemory,
  permissionDenied,
  switchNotFound,
  vmAlreadyExists,
  vmNotFound,
  vmNotOff,
} from './hyperv-errors.js';
import {
  bootGuest,
  deleteGuest,
  guestRunStates,
  guestSshdUp,
  shutDownGuest,
  switchNetwork,
  turnOffGuest,
} from './hyperv-guests.js';
import { readWorld, updateWorld } from './hyperv-registry.js';
import type { HypervWorld, SimSwitch, VhdRecord, VmRecord } from './hyperv-world.js';
import { type CreatedVhd, convertVhd, createFixedVhd } from './vhd-files.js';

/** A VM as Get-VM's selected properties show it (B4/B5). */
export interface VmView {
  Name: string;
  Id: string;
  State: string;
  IPAddresses: string[];
}

export interface NewVmSpec {
  name: string;
  path: string;
  generation: 1 | 2;
  memoryStartupBytes: number;
  switchName: string;
  vhdPath?: string;
}

const MB = 1024 * 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Hyper-V Administrators may do everything in Hyper-V; anyone else sees and changes nothing. */
function privileged(world: HypervWorld): boolean {
  return world.principal.Administrator || world.principal.HyperVAdministrator;
}

function requirePrivilege(world: HypervWorld, cmdlet: string, target: string): void {
  if (!privileged(world)) throw permissionDenied(cmdlet, world.hostName, target);
}

function findVm(world: HypervWorld, cmdlet: string, name: string): VmRecord {
  const lower = name.toLowerCase();
  const vm = privileged(world) ? world.vms.find((candidate) => candidate.name.toLowerCase() === lower) : undefined;
  if (!vm) throw vmNotFound(cmdlet, name);
  return vm;
}

function findSwitch(world: HypervWorld, cmdlet: string, name: string): SimSwitch {
  const lower = name.toLowerCase();
  const found = world.switches.find((candidate) => candidate.Name.toLowerCase() === lower);
  if (!found) throw switchNotFound(cmdlet, name);
  return found;
}

/** What the host saw outside the lock, applied inside it. */
interface Observation {
  now: number;
  /** Container state by name; undefined when no guests run. */
  containers?: Map<string, string>;
  /** VM ids whose guest's sshd answered. */
  sshUp: Set<string>;
  /** Each VM's state and guest when the containers were looked at: a VM changed since is left alone. */
  before: Map<string, string>;
}

function observedAs(vm: VmRecord): string {
  return `${vm.state}/${vm.guest?.container ?? ''}`;
}

/** Brings the records up to date with time and the guests; true when something changed. */
function applyObservation(world: HypervWorld, seen: Observation): boolean {
  let changed = false;
  for (const vm of world.vms) {
    if (vm.state === 'Stopping' && vm.stopAt !== undefined && vm.stopAt <= seen.now) {
      vm.state = 'Off';
      delete vm.stopAt;
      changed = true;
    }
    const guest = vm.guest;
    if (!guest || !seen.containers || seen.before.get(vm.id) !== observedAs(vm)) continue;
    const container = seen.containers.get(guest.container) ?? 'absent';
    // The guest powered itself off (`sudo poweroff` inside it): Hyper-V shows the VM Off.
    if ((vm.state === 'Running' || vm.state === 'Stopping') && (container === 'stopped' || container === 'absent')) {
      vm.state = 'Off';
      guest.reporting = false;
      changed = true;
    }
    if (vm.state === 'Running' && !guest.reporting && seen.sshUp.has(vm.id)) {
      guest.reporting = true;
      changed = true;
    }
  }
  return changed;
}

/**
 * The simulated Hyper-V host: the cmdlets' effects on the registry and on the guests. Every
 * method re-reads the registry (other powershell.exe processes act too) and holds its lock only
 * for short edits, never while a container starts or stops.
 */
export class HypervHost {
  constructor(readonly stateDir: string) {}

  read(): Promise<HypervWorld> {
    return readWorld(this.stateDir);
  }

  /** The registry after due transitions and what the guests are doing now. */
  async current(): Promise<HypervWorld> {
    const world = await this.read();
    const seen: Observation = {
      now: Date.now(),
      sshUp: new Set(),
      before: new Map(world.vms.map((vm) => [vm.id, observedAs(vm)])),
    };
    const live = world.vms.filter((vm) => vm.guest && vm.state !== 'Off');
    if (world.guests && live.length > 0) {
      seen.containers = await guestRunStates(world.guests);
      const waiting = live.filter((vm) => vm.state === 'Running' && vm.guest?.kvpDaemon && !vm.guest.reporting);
      const answers = await Promise.all(waiting.map((vm) => (vm.guest ? guestSshdUp(vm.guest) : false)));
      waiting.forEach((vm, index) => {
        if (answers[index]) seen.sshUp.add(vm.id);
      });
    }
    if (!applyObservation(structuredClone(world), seen)) return world;
    return updateWorld(this.stateDir, (fresh) => {
      applyObservation(fresh, seen);
      return fresh;
    });
  }

  /** What Get-VM shows, every VM or the one named; a principal without rights sees none. */
  async vms(name?: string): Promise<VmView[]> {
    const world = await this.current();
    const selected = name === undefined ? (privileged(world) ? world.vms : []) : [findVm(world, 'Get-VM', name)];
    return selected.map((vm) => ({ Name: vm.name, Id: vm.id, State: vm.state, IPAddresses: addresses(world, vm) }));
  }

  async switches(): Promise<SimSwitch[]> {
    const world = await this.read();
    return privileged(world) ? world.switches : [];
  }

  async newVhd(path: string, sizeBytes: number): Promise<CreatedVhd> {
    const world = await this.read();
    requirePrivilege(world, 'New-VHD', path);
    const created = await createFixedVhd(path, sizeBytes);
    await this.recordVhd({ path, format: 'VHD', type: 'Fixed', sizeBytes });
    return created;
  }

  async convertVhd(source: string, destination: string, type: 'Fixed' | 'Dynamic', deleteSource: boolean) {
    const world = await this.read();
    requirePrivilege(world, 'Convert-VHD', source);
    const converted = await convertVhd(source, destination, deleteSource);
    await updateWorld(this.stateDir, (fresh) => {
      if (deleteSource) fresh.vhds = fresh.vhds.filter((vhd) => vhd.path !== source);
      fresh.vhds.push({ path: destination, format: converted.format, type, sizeBytes: converted.sizeBytes });
    });
  }

  async resizeVhd(path: string, sizeBytes: number): Promise<void> {
    const world = await this.read();
    requirePrivilege(world, 'Resize-VHD', path);
    if (!(await pathExists(path))) throw fileNotFound('Resize-VHD', path);
    if (!world.principal.Administrator) throw generalAccessDenied('Resize-VHD', path);
    await updateWorld(this.stateDir, (fresh) => {
      const known = fresh.vhds.find((vhd) => vhd.path === path);
      if (known) known.sizeBytes = sizeBytes;
      else
        fresh.vhds.push({
          path,
          format: path.toLowerCase().endsWith('.vhdx') ? 'VHDX' : 'VHD',
          type: 'Dynamic',
          sizeBytes,
        });
    });
  }

  private async recordVhd(record: VhdRecord): Promise<void> {
    await updateWorld(this.stateDir, (fresh) => {
      fresh.vhds = fresh.vhds.filter((vhd) => vhd.path !== record.path);
      fresh.vhds.push(record);
    });
  }

  async newVm(spec: NewVmSpec): Promise<VmRecord> {
    requirePrivilege(await this.read(), 'New-VM', spec.name);
    if (spec.vhdPath !== undefined && !(await pathExists(spec.vhdPath))) throw fileNotFound('New-VM', spec.vhdPath);
    return updateWorld(this.stateDir, (world) => {
      requirePrivilege(world, 'New-VM', spec.name);
      if (spec.memoryStartupBytes % (2 * MB) !== 0) {
        throw memoryNotAligned(Math.round((spec.memoryStartupBytes / MB) * 100) / 100);
      }
      const vSwitch = findSwitch(world, 'New-VM', spec.switchName);
      if (world.vms.some((vm) => vm.name.toLowerCase() === spec.name.toLowerCase())) throw vmAlreadyExists(spec.name);
      const vm: VmRecord = {
        name: spec.name,
        id: randomUUID(),
        path: spec.path,
        generation: spec.generation,
        memoryStartupBytes: spec.memoryStartupBytes,
        dynamicMemoryEnabled: true,
        processorCount: 1,
        state: 'Off',
        switchName: vSwitch.Name,
        macAddress: dynamicMac(new Set(world.vms.map((other) => other.macAddress))),
        staticMac: false,
        dvdPaths: [],
        hardDisks: spec.vhdPath === undefined ? [] : [spec.vhdPath],
      };
      world.vms.push(vm);
      return vm;
    });
  }

  /** A Set-*, Add-* cmdlet: `change` edits the VM's record. */
  async configure(cmdlet: string, name: string, change: (vm: VmRecord) => void): Promise<void> {
    await updateWorld(this.stateDir, (world) => {
      requirePrivilege(world, cmdlet, name);
      change(findVm(world, cmdlet, name));
    });
  }

  async attachDvd(cmdlet: 'Add-VMDvdDrive' | 'Set-VMDvdDrive', name: string, path: string): Promise<void> {
    if (!(await pathExists(path))) throw fileNotFound(cmdlet, path);
    await this.configure(cmdlet, name, (vm) => {
      // Set-VMDvdDrive changes the medium of the VM's (first) drive; Add-VMDvdDrive adds a drive.
      if (cmdlet === 'Set-VMDvdDrive' && vm.dvdPaths.length > 0) vm.dvdPaths[0] = path;
      else vm.dvdPaths.push(path);
    });
  }

  async attachHardDisk(name: string, path: string): Promise<void> {
    if (!(await pathExists(path))) throw fileNotFound('Add-VMHardDiskDrive', path);
    await this.configure('Add-VMHardDiskDrive', name, (vm) => {
      vm.hardDisks.push(path);
    });
  }

  async setStaticMac(name: string, text: string): Promise<void> {
    const mac = normaliseMac(text);
    await this.configure('Set-VMNetworkAdapter', name, (vm) => {
      if (!mac) throw invalidMacAddress(text);
      vm.macAddress = mac;
      vm.staticMac = true;
    });
  }

  /** Start-VM: returns once the VM runs (its guest container is up; sshd comes later). */
  async startVm(name: string): Promise<void> {
    const plan = await updateWorld(this.stateDir, (world) => {
      requirePrivilege(world, 'Start-VM', name);
      const vm = findVm(world, 'Start-VM', name);
      if (vm.state === 'Running' || vm.state === 'Starting') return undefined;
      if (world.faults.hypervisorNotRunning) throw hypervisorNotRunning(vm.name);
      if (world.faults.outOfMemory) throw outOfMemory(vm.name);
      if (!world.guests) {
        vm.state = 'Running';
        return undefined;
      }
      const vSwitch = findSwitch(world, 'Start-VM', vm.switchName);
      if (vSwitch.dhcp !== false && vSwitch.subnet && !vm.leasedIpv4) {
        const taken = new Set(world.vms.flatMap((other) => (other.leasedIpv4 ? [other.leasedIpv4] : [])));
        vm.leasedIpv4 = leaseAddress(vSwitch.subnet, taken);
      }
      vm.state = 'Starting';
      return { owner: world.guests, vm: structuredClone(vm), vSwitch };
    });
    if (!plan) return;
    const ipv4 = plan.vSwitch.dhcp === false ? undefined : plan.vm.leasedIpv4;
    let guest: VmRecord['guest'];
    try {
      guest = await bootGuest(plan.owner, plan.vm, plan.vSwitch, ipv4);
    } catch (error) {
      await this.settle(plan.vm.id, (vm) => {
        vm.state = 'Off';
      });
      throw guestFailedToStart(plan.vm.name, (error as Error).message);
    }
    await this.settle(plan.vm.id, (vm) => {
      vm.state = 'Running';
      vm.guest = guest;
    });
  }

  /** Stop-VM: graceful (the guest shuts down; the cmdlet waits for Off) or -TurnOff (at once). */
  async stopVm(name: string, turnOff: boolean): Promise<void> {
    const plan = await updateWorld(this.stateDir, (world) => {
      requirePrivilege(world, 'Stop-VM', name);
      const vm = findVm(world, 'Stop-VM', name);
      if (vm.state === 'Off') return undefined;
      if (!turnOff && world.faults.shutdownIgnored) throw nonInteractivePrompt('Stop-VM', vm.name);
      const container = world.guests ? vm.guest?.container : undefined;
      if (turnOff && !container) {
        vm.state = 'Off';
        delete vm.stopAt;
        return undefined;
      }
      vm.state = 'Stopping';
      if (!container) vm.stopAt = Date.now() + world.faults.stopDelayMs;
      return { id: vm.id, owner: world.guests, container, stopAt: vm.stopAt };
    });
    if (!plan) return;
    if (plan.container && plan.owner) {
      if (turnOff) await turnOffGuest(plan.container);
      else await shutDownGuest(plan.owner, plan.container);
    } else if (plan.stopAt !== undefined) {
      await sleep(Math.max(0, plan.stopAt - Date.now()));
    }
    await this.settle(plan.id, (vm) => {
      vm.state = 'Off';
      delete vm.stopAt;
      if (vm.guest) vm.guest.reporting = false;
    });
  }

  /** Remove-VM -Force: the VM goes, its VHD and ISO files stay; a VM that is not off is refused. */
  async removeVm(name: string, force: boolean): Promise<void> {
    const removed = await updateWorld(this.stateDir, (world) => {
      requirePrivilege(world, 'Remove-VM', name);
      const vm = findVm(world, 'Remove-VM', name);
      if (!force) throw nonInteractivePrompt('Remove-VM', vm.name);
      if (vm.state !== 'Off') throw vmNotOff('Remove-VM', vm.name, vm.state);
      world.vms = world.vms.filter((other) => other !== vm);
      return vm;
    });
    if (removed.guest) await deleteGuest(removed.guest.container);
    await this.dropUnusedNetwork(removed.switchName);
  }

  /**
   * The docker network standing for a switch exists while a VM is on the switch, so a host whose
   * last VM is gone leaves nothing behind. Under the lock: a VM made meanwhile keeps it.
   */
  private async dropUnusedNetwork(switchName: string): Promise<void> {
    await updateWorld(this.stateDir, async (world) => {
      const vSwitch = world.switches.find((candidate) => candidate.Name === switchName);
      if (!world.guests || !vSwitch?.subnet || world.vms.some((vm) => vm.switchName === switchName)) return;
      await removeGuestNetwork(switchNetwork(world.guests, vSwitch).name);
    });
  }

  /** Edits a VM by id after slow work; a VM removed meanwhile is left alone. */
  private async settle(id: string, change: (vm: VmRecord) => void): Promise<void> {
    await updateWorld(this.stateDir, (world) => {
      const vm = world.vms.find((candidate) => candidate.id === id);
      if (vm) change(vm);
    });
  }
}

/**
 * What the KVP integration service reports for the VM's adapter: nothing until the guest runs
 * the daemon and its sshd is up (contract §2), then the lease and the link-local address.
 */
function addresses(world: HypervWorld, vm: VmRecord): string[] {
  const guest = vm.guest;
  if (vm.state !== 'Running' || !guest || !guest.kvpDaemon || !guest.reporting) return [];
  if (world.faults.neverReportIp) return [];
  const linkLocal = linkLocalFromMac(vm.macAddress);
  if (world.faults.ipv6Only || guest.ipv4 === '') return [linkLocal];
  return [guest.ipv4, linkLocal];
}
