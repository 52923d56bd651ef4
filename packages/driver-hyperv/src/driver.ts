import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  type CallContext,
  type CreateFlag,
  type CreateParams,
  type DriverCapabilities,
  type DriverConfigResult,
  type GetIpResult,
  type GetSshHostnameResult,
  type GetSshKeyPathResult,
  type GetSshPortResult,
  type GetSshUsernameResult,
  type GetStateResult,
  type GetUrlResult,
  InvalidFlagError,
  MachineNotRunningError,
  type MachineParams,
  NotSupportedError,
  type SetConfigFromFlagsParams,
  type SetConfigFromFlagsResult,
  TimeoutError,
} from '@berth/driver-protocol';
import {
  BaseDriver,
  createMachineKeyPair,
  InFlightCreates,
  MachineJournal,
  sleep,
  throwIfCancelled,
} from '@berth/driver-sdk';
import { Qcow2FormatError } from './disk/qcow2-reader.js';
import { convertQcow2ToFixedVhd, DiskTooSmallError } from './disk/qcow2-to-vhd.js';
import { configFromFlags } from './flag-config.js';
import { HYPERV_FLAGS } from './flags.js';
import { guestIpv4 } from './guest-address.js';
import { type HypervConfig, readHypervConfig, writeHypervConfig } from './hyperv-config.js';
import {
  errorKind,
  HypervVmExistsError,
  hypervFailure,
  moduleMissing,
  notPrivileged,
  vmMissing,
} from './hyperv-errors.js';
import { type CallOptions, HypervHost, type HypervVm } from './hyperv-host.js';
import { MACHINE_FILES, type MachineFile, machinePath } from './machine-files.js';
import { PowerShellCommandError, PowerShellTimeoutError } from './powershell/powershell-errors.js';
import { PowerShellSession, type PowerShellSessionOptions } from './powershell/powershell-session.js';
import { writeHypervSeed } from './seed.js';
import { chooseSwitch, describeSwitches } from './switch-choice.js';
import { VmLookup } from './vm-lookup.js';
import { machineStateOf } from './vm-state.js';

const VERSION = '0.1.0';
const ENGINE_PORT = 2376;
const MB = 1024 * 1024;
/** Bound on the first IPv4 after a start: cloud-init installs the KVP daemon on first boot. */
const START_TIMEOUT_MS = 5 * 60_000;
/** Seconds; overrides {@link START_TIMEOUT_MS}. */
export const START_TIMEOUT_ENV = 'BERTH_HYPERV_START_TIMEOUT';
/** Bound on a graceful Stop-VM (Docker Machine's state waits: 3 minutes). */
const STOP_TIMEOUT_MS = 3 * 60_000;
/** Seconds; overrides {@link STOP_TIMEOUT_MS}. */
export const STOP_TIMEOUT_ENV = 'BERTH_HYPERV_STOP_TIMEOUT';
const POLL_MS = 1_000;
/** Stop-VM's error id when the guest's shutdown service does not answer and it would have to ask. */
const STOP_PROMPT_ID = 'InvalidOperation,Microsoft.HyperV.PowerShell.Commands.StopVM';

/** Journal kinds: files made in the machine directory, the VM, and the create itself (first entry). */
const KIND_FILE = 'file';
const KIND_VM = 'vm';
const KIND_CREATE = 'create';
/** Removed in this order, after the VM. */
const REMOVABLE_FILES: readonly MachineFile[] = ['disk', 'fixedVhd', 'seed'];

export interface HypervDriverOptions {
  /** The PowerShell to run and its environment (tests: the simulator's PATH). */
  powershell?: PowerShellSessionOptions;
}

function secondsFromEnv(name: string, fallbackMs: number): number {
  const seconds = Number(process.env[name]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs;
}

/** The VM of a machine is named after it (as docker-machine named it). */
function vmName(params: MachineParams): string {
  return readHypervConfig(params.machine).MachineName || params.machine.name;
}

/**
 * Local machines under Hyper-V, driven through one long-lived PowerShell session: a generation 2
 * VM booting a dynamic VHDX made from the host's cached qcow2 image (converted here: Hyper-V cannot
 * read qcow2), with a cloud-init NoCloud seed on a DVD (user, key, and the KVP daemon through which
 * Hyper-V learns the guest's address), on the Default Switch or an External one. The machine is
 * reached at its IPv4 on the switch, SSH on 22, the engine on 2376. Machines docker-machine made
 * (boot2docker, generation 1) are controlled the same way.
 */
export class HypervDriver extends BaseDriver {
  readonly name = 'hyperv';
  readonly version = VERSION;
  private readonly session: PowerShellSession;
  private readonly host: HypervHost;
  private readonly lookup: VmLookup;
  /** Creates running in this process, by machine dir: a remove of the same machine waits for them. */
  private readonly creating = new InFlightCreates();

  constructor(options: HypervDriverOptions = {}) {
    super();
    this.session = new PowerShellSession(options.powershell);
    this.host = new HypervHost(this.session);
    this.lookup = new VmLookup(this.host);
  }

  /** PowerShell processes started so far (tests, and the bench). */
  get powershellProcesses(): number {
    return this.session.processesStarted;
  }

  capabilities(): DriverCapabilities {
    return { powerControl: true, ssh: true };
  }

  createFlags(): CreateFlag[] {
    return HYPERV_FLAGS;
  }

  override async shutdown(): Promise<void> {
    await this.session.close();
  }

  override async setConfigFromFlags(
    params: SetConfigFromFlagsParams,
    context: CallContext,
  ): Promise<SetConfigFromFlagsResult> {
    const { config, image, notes } = configFromFlags(params.machine, params.flags);
    for (const note of notes) context.log('warn', note);
    return { driverConfig: writeHypervConfig(params.machine, config), image };
  }

  override async preCreateCheck(params: MachineParams, context: CallContext): Promise<void> {
    const options = callOptions(context);
    const name = vmName(params);
    await this.guard('Hyper-V could not be checked', { beforeCreate: true }, async () => {
      if (!(await this.host.moduleInstalled(options))) throw moduleMissing();
      const principal = await this.host.principal(options);
      if (!principal.administrator && !principal.hyperVAdministrator) throw notPrivileged();
      chooseSwitch(await this.host.switches(options), readHypervConfig(params.machine).VSwitch);
      if ((await this.host.vmsNamed(name, options)).length > 0) {
        throw new HypervVmExistsError(`Hyper-V already has a virtual machine named "${name}"`, {
          actions: ['Choose another machine name, or rename or remove that VM in Hyper-V Manager.'],
          data: { vm: name },
        });
      }
    });
  }

  override async create(params: CreateParams, context: CallContext): Promise<DriverConfigResult> {
    return this.creating.run(params.machine.machineDir, () => this.createMachine(params, context));
  }

  private async createMachine(params: CreateParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine, image } = params;
    const { signal } = context;
    if (!image) {
      throw new NotSupportedError('the hyperv driver needs a host that fetches its image (driver protocol 1.2)', {
        actions: ['Upgrade berth.'],
      });
    }
    const name = vmName(params);
    const config = readHypervConfig(machine);
    const dir = machine.machineDir;
    const journal = new MachineJournal(dir);
    const options = callOptions(context);
    // First entry: from here on the journal says this machine is Berth's, so its remove touches
    // only the VM it records (never another VM of the same name).
    await journal.record(KIND_CREATE, name);
    this.lookup.invalidate();

    context.progress('Creating SSH key...');
    const key = await createMachineKeyPair(dir, `berth:${machine.name}`);
    throwIfCancelled(signal, 'creating the SSH key');

    context.progress('Creating VM...');
    const chosen = await this.guard('Hyper-V could not list its virtual switches', {}, async () =>
      chooseSwitch(await this.host.switches(options), config.VSwitch),
    );
    config.VSwitch = chosen.name;
    context.progress(`Using switch "${chosen.name}"`);

    config.InstanceID = `berth-${machine.name}-${randomUUID()}`;
    const seed = machinePath(dir, 'seed');
    await journal.record(KIND_FILE, MACHINE_FILES.seed);
    await writeHypervSeed(seed, {
      instanceId: config.InstanceID,
      hostname: machine.name,
      sshAuthorizedKeys: [key.publicKey],
      user: config.SSHUser,
    });
    throwIfCancelled(signal, 'creating the cloud-init seed');

    context.progress('Creating VHD');
    const fixed = machinePath(dir, 'fixedVhd');
    const disk = machinePath(dir, 'disk');
    await journal.record(KIND_FILE, MACHINE_FILES.fixedVhd);
    await this.writeFixedVhd(image.path, fixed, config, context);
    await journal.record(KIND_FILE, MACHINE_FILES.disk);
    await this.guard(`Hyper-V could not convert ${fixed} to ${disk}`, {}, () =>
      this.host.convertVhd(fixed, disk, options),
    );
    config.BaseImage = image.path;

    await journal.record(KIND_VM, name);
    await this.guard(`Hyper-V could not create the VM of machine "${name}"`, {}, async () => {
      await this.host.newVm(
        { name, machineDir: dir, memoryMb: config.MemSize, switchName: config.VSwitch, vhdPath: disk },
        options,
      );
      await this.host.secureBoot(name, options);
      await this.host.addDvd(name, seed, options);
      if (config.DisableDynamicMemory) await this.host.staticMemory(name, options);
      if (config.CPU > 1) await this.host.processors(name, config.CPU, options);
      if (config.MacAddr) await this.host.staticMac(name, config.MacAddr, options);
      if (config.VLanID > 0) await this.host.vlan(name, config.VLanID, options);
      config.VMId = (await this.host.vmsNamed(name, options))[0]?.id ?? '';
    });
    throwIfCancelled(signal, 'creating the VM');

    context.progress('Starting VM...');
    await this.changing(() =>
      this.guard(`Hyper-V could not start machine "${name}"`, {}, () => this.host.startVm(name, options)),
    );
    context.progress('Waiting for host to start...');
    config.IPAddress = await this.waitForIpv4(params, config, context);
    config.SSHKeyPath = key.privateKeyPath;
    return { driverConfig: writeHypervConfig(machine, config) };
  }

  /** The cached qcow2 as a fixed VHD of the machine's full disk size (holes where it is empty). */
  private async writeFixedVhd(image: string, fixed: string, config: HypervConfig, context: CallContext) {
    try {
      const result = await convertQcow2ToFixedVhd(image, fixed, config.DiskSize * MB, { signal: context.signal });
      context.log('debug', `${fixed}: ${result.dataBytes} bytes of data from a ${result.imageSize}-byte image disk`);
    } catch (error) {
      throwIfCancelled(context.signal, 'creating the VHD');
      if (error instanceof DiskTooSmallError) {
        const needed = Math.ceil(error.imageBytes / MB);
        throw new InvalidFlagError(
          `--hyperv-disk-size ${config.DiskSize} MB is smaller than the image's disk (${needed} MB)`,
          { actions: [`Give --hyperv-disk-size ${needed} or more.`], data: { flag: 'hyperv-disk-size' }, cause: error },
        );
      }
      if (error instanceof Qcow2FormatError) {
        throw new InvalidFlagError(`the image ${config.ImageURL || image} cannot be used: ${error.message}`, {
          actions: ['Give a qcow2 cloud image with --hyperv-image-url and --hyperv-image-checksum.'],
          data: { flag: 'hyperv-image-url' },
          cause: error,
        });
      }
      throw error;
    }
  }

  override async start(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine } = params;
    const name = vmName(params);
    const config = readHypervConfig(machine);
    const vm = await this.requireVm(params, context, true);
    if (vm.state !== 'Running') {
      context.progress('Starting VM...');
      await this.changing(() =>
        this.guard(`Hyper-V could not start machine "${name}"`, {}, () =>
          this.host.startVm(name, callOptions(context)),
        ),
      );
    }
    context.progress('Waiting for host to start...');
    config.IPAddress = await this.waitForIpv4(params, config, context);
    return { driverConfig: writeHypervConfig(machine, config) };
  }

  override async stop(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const name = vmName(params);
    const vm = await this.requireVm(params, context, true);
    if (vm.state === 'Off') return { driverConfig: params.machine.driverConfig };
    const timeoutMs = secondsFromEnv(STOP_TIMEOUT_ENV, STOP_TIMEOUT_MS);
    const kill = `Stop it by force with \`berth kill ${params.machine.name}\`.`;
    try {
      await this.changing(() => this.host.stopVm(name, { ...callOptions(context), timeoutMs }));
    } catch (error) {
      if (error instanceof PowerShellTimeoutError) {
        throw new TimeoutError(`machine "${name}" did not shut down within ${Math.round(timeoutMs / 1000)} s`, {
          actions: [kill, `Set ${STOP_TIMEOUT_ENV} (seconds) to wait longer.`],
          cause: error,
        });
      }
      const failure = await this.explain(error, `Hyper-V could not shut down machine "${name}"`);
      if (error instanceof PowerShellCommandError && error.errorId === STOP_PROMPT_ID) {
        // Stop-VM wanted to ask whether to turn the VM off (its guest's shutdown service did not
        // answer); -NonInteractive made that an error. Turning it off is the user's call.
        failure.actions.unshift(`The guest did not answer Hyper-V's shutdown request. ${kill}`);
      }
      throw failure;
    }
    return { driverConfig: params.machine.driverConfig };
  }

  override async kill(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const name = vmName(params);
    const vm = await this.requireVm(params, context, true);
    if (vm.state !== 'Off') {
      await this.changing(() =>
        this.guard(`Hyper-V could not turn off machine "${name}"`, {}, () =>
          this.host.turnOffVm(name, callOptions(context)),
        ),
      );
    }
    return { driverConfig: params.machine.driverConfig };
  }

  override async restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    await this.stop(params, context);
    return this.start(params, context);
  }

  override async remove(params: MachineParams, context: CallContext): Promise<void> {
    const { machine } = params;
    // A create of this machine still running here (cancelled, being rolled back) may be making the
    // VM: let it finish, so what it made is removed below rather than left behind.
    await this.creating.settled(machine.machineDir);
    const name = vmName(params);
    const journal = new MachineJournal(machine.machineDir);
    const entries = await journal.entries();
    // A machine docker-machine made has no journal: its VM is the one of its name. A machine Berth
    // made has a VM only once the journal says so.
    const hasVm = entries.length === 0 || entries.some((entry) => entry.kind === KIND_VM);
    if (hasVm) {
      const options = callOptions(context);
      await this.changing(() =>
        this.guard(`Hyper-V could not remove machine "${name}"`, {}, async () => {
          const vm = await this.ownVm(params, await this.host.vmsNamed(name, options), context);
          if (!vm) return;
          if (vm.state !== 'Off' && vm.state !== 'Saved') {
            context.progress('Turning off the VM...');
            await this.host.turnOffVm(name, options);
          }
          await this.host.removeVm(name, options);
        }),
      );
      await journal.forget(KIND_VM, name);
    }
    // The host deletes the machine directory (keys, journal) after this; the image cache is never touched.
    for (const file of REMOVABLE_FILES) {
      await rm(machinePath(machine.machineDir, file), { force: true });
      await journal.forget(KIND_FILE, MACHINE_FILES[file]);
    }
    await journal.forget(KIND_CREATE, name);
  }

  override async getState(params: MachineParams, context: CallContext): Promise<GetStateResult> {
    return { state: machineStateOf((await this.requireVm(params, context)).state) };
  }

  override async getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult> {
    const ip = await this.currentIpv4(params, context);
    return { url: ip ? `tcp://${ip}:${ENGINE_PORT}` : '' };
  }

  override async getIp(params: MachineParams, context: CallContext): Promise<GetIpResult> {
    const ip = await this.currentIpv4(params, context);
    if (!ip) {
      throw new MachineNotRunningError(`machine "${params.machine.name}" has no IPv4 address yet`, {
        actions: ['Its guest reports one once it has booted; wait a little and retry.'],
      });
    }
    return { ip };
  }

  override async getSshHostname(params: MachineParams, context: CallContext): Promise<GetSshHostnameResult> {
    return { hostname: (await this.getIp(params, context)).ip };
  }

  override async getSshPort(params: MachineParams): Promise<GetSshPortResult> {
    return { port: readHypervConfig(params.machine).SSHPort };
  }

  override async getSshUsername(params: MachineParams): Promise<GetSshUsernameResult> {
    return { username: readHypervConfig(params.machine).SSHUser };
  }

  override async getSshKeyPath(params: MachineParams): Promise<GetSshKeyPathResult> {
    return { keyPath: readHypervConfig(params.machine).SSHKeyPath || machinePath(params.machine.machineDir, 'key') };
  }

  /** The machine's IPv4 now; undefined while it has none; MachineNotRunning when the VM is not running. */
  private async currentIpv4(params: MachineParams, context: CallContext): Promise<string | undefined> {
    const vm = await this.requireVm(params, context);
    if (vm.state !== 'Running') {
      throw new MachineNotRunningError('Host is not running', {
        actions: [`Start it with \`berth start ${params.machine.name}\`.`],
      });
    }
    return guestIpv4(vm.ipAddresses);
  }

  /**
   * The machine's VM, through the coalescing lookup (berth ls asks about many at once); `fresh`
   * before a change, which must not act on a state up to a second old.
   */
  private async requireVm(params: MachineParams, context: CallContext, fresh = false): Promise<HypervVm> {
    const name = vmName(params);
    if (fresh) this.lookup.invalidate();
    const vms = await this.guard(`Hyper-V could not read the state of machine "${name}"`, {}, () =>
      this.lookup.find(name, callOptions(context)),
    );
    const vm = await this.ownVm(params, vms, context);
    if (!vm) throw vmMissing(name);
    return vm;
  }

  /** Among VMs of the machine's name, its own: the one with its VMId, else (no VMId kept) the first. */
  private async ownVm(params: MachineParams, vms: HypervVm[], context: CallContext): Promise<HypervVm | undefined> {
    const { VMId } = readHypervConfig(params.machine);
    if (!VMId) return vms[0];
    const own = vms.find((vm) => vm.id.toLowerCase() === VMId.toLowerCase());
    if (!own && vms.length > 0) {
      context.log('warn', `Hyper-V's VM "${vmName(params)}" is not the machine's own (VMId ${VMId}); leaving it alone`);
    }
    return own;
  }

  /**
   * Polls the VM until its guest reports an IPv4 (never an fe80:: address), within
   * BERTH_HYPERV_START_TIMEOUT (5 minutes by default).
   */
  private async waitForIpv4(params: MachineParams, config: HypervConfig, context: CallContext): Promise<string> {
    const name = vmName(params);
    const timeoutMs = secondsFromEnv(START_TIMEOUT_ENV, START_TIMEOUT_MS);
    const deadline = Date.now() + timeoutMs;
    const seen = new Set<string>();
    const options = callOptions(context);
    for (;;) {
      const vm = await this.guard(`Hyper-V could not read the state of machine "${name}"`, {}, async () =>
        this.ownVm(params, await this.host.vmsNamed(name, options), context),
      );
      if (!vm) throw vmMissing(name);
      for (const address of vm.ipAddresses) seen.add(address);
      const ip = guestIpv4(vm.ipAddresses);
      if (ip && vm.state === 'Running') return ip;
      if (vm.state === 'Off' || vm.state.endsWith('Critical')) {
        throw new MachineNotRunningError(`machine "${name}" stopped while starting (its VM is ${vm.state})`, {
          actions: ["Look at the VM's console in Hyper-V Manager (Connect...), then start it again."],
        });
      }
      if (Date.now() >= deadline) throw await this.noAddress(name, config, [...seen], timeoutMs);
      await sleep(POLL_MS, context.signal, 'waiting for the machine to report its IP address');
    }
  }

  private async noAddress(name: string, config: HypervConfig, seen: string[], timeoutMs: number) {
    const switches = await this.host.switches().catch(() => []);
    const used = switches.find((s) => s.name.toLowerCase() === config.VSwitch.toLowerCase());
    const type = used?.switchType ?? 'unknown type';
    const actions = [
      "Hyper-V learns a guest's address from its KVP daemon (hyperv-daemons, which cloud-init installs on the first boot: the switch must reach Debian's package mirrors).",
    ];
    if (type !== 'External' && used?.id !== undefined) {
      actions.push(
        `An ${type} switch gives addresses only if something serves DHCP on it; the Default Switch and External switches do (switches here: ${describeSwitches(switches)}).`,
      );
    }
    actions.push(`Set ${START_TIMEOUT_ENV} (seconds) to wait longer.`);
    return new TimeoutError(
      `machine "${name}" reported no IPv4 address within ${Math.round(timeoutMs / 1000)} s (switch "${config.VSwitch}", ${type}; addresses seen: ${seen.join(', ') || 'none'})`,
      { actions, data: { switch: config.VSwitch, switchType: type, addresses: seen } },
    );
  }

  /** Runs a change to a VM: what the lookup knew is dropped before and after. */
  private async changing<T>(work: () => Promise<T>): Promise<T> {
    this.lookup.invalidate();
    try {
      return await work();
    } finally {
      this.lookup.invalidate();
    }
  }

  /** Runs Hyper-V calls; their failures become Berth errors (see hyperv-errors.ts). */
  private async guard<T>(doing: string, options: { beforeCreate?: boolean }, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw await this.explain(error, doing, options);
    }
  }

  /**
   * The Berth error for a failure. A VirtualizationException is Hyper-V's catch-all, permission
   * errors included: whether the user has either right is asked (B2) rather than read from text.
   */
  private async explain(error: unknown, doing: string, options: { beforeCreate?: boolean } = {}) {
    let unprivileged = false;
    if (error instanceof PowerShellCommandError && errorKind(error) === 'VirtualizationException') {
      const principal = await this.host.principal().catch(() => undefined);
      unprivileged = principal !== undefined && !principal.administrator && !principal.hyperVAdministrator;
    }
    return hypervFailure(error, doing, { ...options, unprivileged });
  }
}

function callOptions(context: CallContext): CallOptions {
  return { signal: context.signal, log: (line) => context.log('debug', line) };
}
