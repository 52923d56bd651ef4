import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathExists } from '../../files/file-checks.js';
import { processIdentity } from '../../session/process-identity.js';
import { TestSession } from '../../session/session.js';
import {
  type GuestOwner,
  guestStates,
  reapOrphanGuestNetworks,
  removeGuest,
  removeGuestNetwork,
  simulatorNetworks,
} from '../guest/index.js';
import { type HypervSimCall, readCalls } from './call-log.js';
import { HypervHost } from './hyperv-host.js';
import { readWorld, STATE_DIR_ENV, updateWorld, writeWorld } from './hyperv-registry.js';
import {
  DEFAULT_FAULTS,
  DEFAULT_HOST_NAME,
  DEFAULT_SWITCHES,
  type HypervFaults,
  type HypervPrincipal,
  type HypervWorld,
  type SimSwitch,
  type VhdRecord,
  type VmRecord,
} from './hyperv-world.js';

export interface HypervSimulatorOptions {
  /** Where real guests run (images, labels for the reaper); one is made (and cleaned) when absent. */
  session?: TestSession;
  /** Default true. false: state only, no containers; a started VM reports no IP and has no SSH. */
  guests?: boolean;
  /** Default: `Default Switch` (Internal) and `External Wireless` (External). */
  switches?: SimSwitch[];
  /** Default: a Windows administrator who is not in Hyper-V Administrators. */
  principal?: HypervPrincipal;
  /** Default true; false: the Hyper-V PowerShell module is not installed. */
  moduleInstalled?: boolean;
  /** The computer name the permission error names. */
  hostName?: string;
  faults?: Partial<HypervFaults>;
}

/** A VM record as the simulated host keeps it. */
export type HypervSimVm = VmRecord;

export interface HypervDockerMachineVmSpec {
  name: string;
  machineDir: string;
  switchName: string;
  /** Default Off. Running with guests boots the guest from `<machineDir>/disk.vhd` (the b2d tar). */
  state?: 'Off' | 'Running';
  memoryMb?: number;
}

/** The host settings a test may change while the simulator runs. */
export interface HypervHostSettings {
  principal: HypervPrincipal;
  moduleInstalled: boolean;
  switches: SimSwitch[];
  hostName: string;
}

/** packages/test-kit/bin/powershell.exe, from src/ or dist/ alike. */
const SHIM = fileURLToPath(new URL('../../../bin/powershell.exe', import.meta.url));
const ENTRY = fileURLToPath(new URL('../../../dist/simulators/hyperv/powershell-main.js', import.meta.url));

/**
 * The test's handle on a simulated Windows Hyper-V host (contract §3): a state dir, a bin dir
 * holding `powershell.exe`, and views of what the processes did.
 */
export class HypervSimulator {
  private closed = false;
  private finalWorld: HypervWorld | undefined;

  private constructor(
    readonly stateDir: string,
    readonly binDir: string,
    readonly simulatorId: string,
    private readonly owner: GuestOwner | undefined,
    private readonly ownSession: TestSession | undefined,
  ) {}

  static async start(options: HypervSimulatorOptions = {}): Promise<HypervSimulator> {
    if (!(await pathExists(ENTRY))) {
      throw new Error(`${ENTRY} is missing: build the test kit (npx tsc -b packages/test-kit) first`);
    }
    const simulatorId = randomBytes(3).toString('hex');
    const stateDir = await mkdtemp(join(tmpdir(), `berth-hyperv-sim-${simulatorId}-`));
    const binDir = join(stateDir, 'bin');
    await mkdir(binDir);
    await symlink(SHIM, join(binDir, 'powershell.exe'));
    let owner: GuestOwner | undefined;
    let ownSession: TestSession | undefined;
    if (options.guests ?? true) {
      ownSession = options.session ? undefined : await TestSession.create();
      const session = (options.session ?? ownSession) as TestSession;
      await reapOrphanGuestNetworks();
      const images = session.images as typeof session.images & { boot2docker?: string };
      owner = {
        runId: session.runId,
        owner: processIdentity(),
        simulatorId,
        cloudImage: images.adopt,
        boot2dockerImage: images.boot2docker ?? images.adopt,
      };
    }
    const world: HypervWorld = {
      hostName: options.hostName ?? DEFAULT_HOST_NAME,
      principal: options.principal ?? { Administrator: true, HyperVAdministrator: false },
      moduleInstalled: options.moduleInstalled ?? true,
      switches: structuredClone(options.switches ?? [...DEFAULT_SWITCHES]),
      vms: [],
      vhds: [],
      faults: { ...DEFAULT_FAULTS, ...options.faults },
      ...(owner ? { guests: owner } : {}),
    };
    await writeWorld(stateDir, world);
    return new HypervSimulator(stateDir, binDir, simulatorId, owner, ownSession);
  }

  /** PATH with binDir first, the state dir, and the node that runs the shim. */
  env(): Record<string, string> {
    return {
      PATH: `${this.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      [STATE_DIR_ENV]: this.stateDir,
      BERTH_SIM_NODE: process.execPath,
    };
  }

  /** Full path of the simulated powershell.exe. */
  get executable(): string {
    return join(this.binDir, 'powershell.exe');
  }

  calls(): Promise<HypervSimCall[]> {
    return readCalls(this.stateDir);
  }

  /** The VMs, brought up to date (a finished shutdown, a guest that powered itself off). */
  async vms(): Promise<HypervSimVm[]> {
    return (await new HypervHost(this.stateDir).current()).vms;
  }

  async vhds(): Promise<VhdRecord[]> {
    return (await readWorld(this.stateDir)).vhds;
  }

  async setFaults(faults: Partial<HypervFaults>): Promise<void> {
    await updateWorld(this.stateDir, (world) => {
      world.faults = { ...world.faults, ...faults };
    });
  }

  /** Changes the principal, the module, the switches or the computer name. */
  async setHost(settings: Partial<HypervHostSettings>): Promise<void> {
    await updateWorld(this.stateDir, (world) => {
      Object.assign(world, structuredClone(settings));
    });
  }

  /**
   * A VM as docker-machine 0.16's Hyper-V create leaves it (reference §2.2): generation 1, the
   * boot2docker ISO in the DVD drive, `disk.vhd` attached, on the given switch.
   */
  async registerDockerMachineVm(spec: HypervDockerMachineVmSpec): Promise<HypervSimVm> {
    const host = new HypervHost(this.stateDir);
    const world = await readWorld(this.stateDir);
    const restore = world.principal;
    await this.setHost({ principal: { Administrator: true, HyperVAdministrator: true } });
    try {
      await host.newVm({
        name: spec.name,
        path: spec.machineDir,
        generation: 1,
        memoryStartupBytes: (spec.memoryMb ?? 1024) * 1024 * 1024,
        switchName: spec.switchName,
      });
      await host.configure('Set-VMDvdDrive', spec.name, (vm) => {
        vm.dvdPaths = [join(spec.machineDir, 'boot2docker.iso')];
        vm.hardDisks = [join(spec.machineDir, 'disk.vhd')];
      });
      if (spec.state === 'Running') await host.startVm(spec.name);
    } finally {
      await this.setHost({ principal: restore });
    }
    const vm = (await this.vms()).find((candidate) => candidate.name === spec.name);
    if (!vm) throw new Error(`VM ${spec.name} vanished while it was registered`);
    return vm;
  }

  /** What is left: registered VMs, guest containers, docker networks (human-readable). */
  async leftovers(): Promise<string[]> {
    const world = this.finalWorld ?? (await readWorld(this.stateDir));
    const found = world.vms.map((vm) => `VM "${vm.name}" (${vm.state}) ${vm.id}`);
    for (const [container, state] of await guestStates({ simulatorId: this.simulatorId })) {
      found.push(`guest container ${container} (${state})`);
    }
    for (const network of await simulatorNetworks(this.simulatorId)) found.push(`docker network ${network}`);
    return found;
  }

  /** Removes every guest container and network, then the state dir (leftovers() still answers). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.finalWorld = await readWorld(this.stateDir);
    if (this.owner) {
      for (const container of (await guestStates(this.owner)).keys()) await removeGuest(container);
      for (const network of await simulatorNetworks(this.simulatorId)) await removeGuestNetwork(network);
    }
    await rm(this.stateDir, { recursive: true, force: true });
    await this.ownSession?.clean();
  }
}

export function startHypervSimulator(options?: HypervSimulatorOptions): Promise<HypervSimulator> {
  return HypervSimulator.start(options);
}
