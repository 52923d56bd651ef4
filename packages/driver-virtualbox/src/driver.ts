import { access, readFile } from 'node:fs/promises';
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
  MachineNotRunningError,
  type MachineParams,
  NotSupportedError,
  type SetConfigFromFlagsParams,
  type SetConfigFromFlagsResult,
} from '@berth/driver-protocol';
import {
  BaseDriver,
  createMachineKeyPair,
  InFlightCreates,
  MachineJournal,
  sleep,
  throwIfCancelled,
} from '@berth/driver-sdk';
import { configFromFlags } from './config-from-flags.js';
import { GuestWaitTimeoutError } from './errors.js';
import { DEFAULT_HOSTONLY_CIDR, VIRTUALBOX_FLAGS } from './flags.js';
import { guestHostOnlyIp } from './guest/guest-address.js';
import { machineFile } from './machine-files.js';
import { boot2DockerIsoPath, requireIsoFile } from './media/boot2docker.js';
import { checkDiskFitsImage, prepareBoot2DockerDisk, prepareCloudDisk } from './media/prepare-disk.js';
import { chooseHostOnlyCidr } from './network/choose-cidr.js';
import { freeLoopbackPort, loopbackPortFree } from './network/loopback-port.js';
import { type MachineOperation, vmName } from './operation.js';
import { hostOnlyNic } from './parse/machine-readable.js';
import { openVBoxManage } from './vboxmanage/open-vboxmanage.js';
import type { VBoxManage } from './vboxmanage/runner.js';
import { VBoxManageError } from './vboxmanage/vboxmanage-errors.js';
import { readVirtualBoxConfig, SSH_USER, writeVirtualBoxConfig } from './virtualbox-config.js';
import { type HostMemo, type HostSettings, VirtualBoxHost } from './virtualbox-host.js';
import { bootVm } from './vm/boot-vm.js';
import { registerVm } from './vm/register-vm.js';
import { removeVm } from './vm/remove-vm.js';
import { VmStateReader } from './vm/state-reader.js';
import { notFound, sshPortTaken, vmNameTaken } from './vm/vm-errors.js';
import { machineStateOf } from './vm/vm-state.js';

const VERSION = '0.1.0';
const LOOPBACK = '127.0.0.1';
const ENGINE_PORT = 2376;
/** Seconds; bound on a graceful stop (default 3 minutes, Docker Machine's state wait). */
export const STOP_TIMEOUT_ENV = 'BERTH_VIRTUALBOX_STOP_TIMEOUT';
/** Seconds; bound on SSH answering and the host-only address appearing after a boot (default 5 minutes). */
export const BOOT_TIMEOUT_ENV = 'BERTH_VIRTUALBOX_BOOT_TIMEOUT';
/** Reading the address of a machine that is already up (after a start outside Berth). */
const RUNNING_IP_TIMEOUT_MS = 30_000;

export interface VirtualBoxDriverOptions {
  /** The environment VBoxManage runs in and the driver reads (PATH, BERTH_VBOX_NETWORKS_CONF, timeouts). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Linux's route table, read for host-only conflicts. */
  routeTablePath?: string;
  /** Pause between the polls of a stop (default 1 s). */
  stopPollMs?: number;
}

function secondsFrom(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const seconds = Number(env[name]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs;
}

/**
 * Local machines in VirtualBox, driven through VBoxManage as Docker Machine drove them: a NAT NIC
 * with SSH forwarded from a fixed port on 127.0.0.1, and a host-only NIC whose address is the
 * machine's. Berth boots a checked cloud image (a clone of the host's cached image plus a NoCloud
 * seed) unless given a local boot2docker ISO, keeps host-only networks inside what VirtualBox
 * allows and clear of the host's own, journals what it makes and undoes it on failure.
 */
export class VirtualBoxDriver extends BaseDriver {
  readonly name = 'virtualbox';
  readonly version = VERSION;
  private readonly env: NodeJS.ProcessEnv;
  private readonly settings: HostSettings;
  private readonly stopPollMs: number;
  private located: Promise<VBoxManage> | undefined;
  private readonly memo: HostMemo = {};
  private readonly states: VmStateReader;
  /** Creates running in this process, by machine dir: a remove of the same machine waits for them. */
  private readonly creating = new InFlightCreates();

  constructor(options: VirtualBoxDriverOptions = {}) {
    super();
    this.env = options.env ?? process.env;
    this.settings = {
      env: this.env,
      platform: options.platform ?? process.platform,
      routeTablePath: options.routeTablePath ?? '/proc/net/route',
    };
    this.stopPollMs = options.stopPollMs ?? 1_000;
    this.states = new VmStateReader({
      one: async (name) => {
        const info = await (await this.host()).vmInfo(name);
        return info ? (info.get('VMState') ?? '') : undefined;
      },
      all: async () => new Map((await (await this.host()).vmsLong()).map((vm) => [vm.name, vm.state])),
    });
  }

  capabilities(): DriverCapabilities {
    return { powerControl: true, ssh: true };
  }

  createFlags(): CreateFlag[] {
    return VIRTUALBOX_FLAGS;
  }

  override async setConfigFromFlags(params: SetConfigFromFlagsParams): Promise<SetConfigFromFlagsResult> {
    const { config, image } = configFromFlags(params.machine, params.flags);
    const driverConfig = writeVirtualBoxConfig(params.machine, config);
    return image ? { driverConfig, image } : { driverConfig };
  }

  override async preCreateCheck(params: MachineParams, context: CallContext): Promise<void> {
    const host = await this.host(context);
    const { version, warning } = await host.version();
    if (warning) context.log('warn', warning);
    const config = readVirtualBoxConfig(params.machine);
    const view = await host.networkView(version);
    chooseHostOnlyCidr(config.HostOnlyCIDR, config.HostOnlyCIDR === DEFAULT_HOSTONLY_CIDR, view);
    if (await host.vmInfo(params.machine.name)) throw vmNameTaken(params.machine.name);
    const iso = boot2DockerIsoPath(config.Boot2DockerURL);
    if (iso) await requireIsoFile(iso);
    if (config.SSHPort > 0 && !(await loopbackPortFree(config.SSHPort))) throw sshPortTaken(config.SSHPort);
  }

  override async create(params: CreateParams, context: CallContext): Promise<DriverConfigResult> {
    return this.creating.run(params.machine.machineDir, () => this.createMachine(params, context));
  }

  private async createMachine(params: CreateParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine, image } = params;
    const config = readVirtualBoxConfig(machine);
    const iso = boot2DockerIsoPath(config.Boot2DockerURL);
    if (!iso && !image) {
      throw new NotSupportedError('the virtualbox driver needs a host that fetches its image (driver protocol 1.2)', {
        actions: ['Upgrade berth, or boot a local ISO with --virtualbox-boot2docker-url.'],
      });
    }
    const op: MachineOperation = {
      host: await this.host(context),
      machine,
      config,
      journal: new MachineJournal(machine.machineDir),
      context,
    };
    try {
      if (image && !iso) await checkDiskFitsImage(op, image);
      context.progress('Creating VirtualBox VM...');
      const { version } = await op.host.version();
      const choice = chooseHostOnlyCidr(
        config.HostOnlyCIDR,
        config.HostOnlyCIDR === DEFAULT_HOSTONLY_CIDR,
        await op.host.networkView(version),
      );
      if (choice.replaced) context.progress(`${choice.replaced}; using ${choice.cidr} instead`);
      config.HostOnlyCIDR = choice.cidr;
      context.progress('Creating SSH key...');
      const key = await machineKey(machine.machineDir, machine.name);
      throwIfCancelled(context.signal, 'creating the SSH key');
      if (iso) await prepareBoot2DockerDisk(op, iso, key.publicKey);
      else if (image) await prepareCloudDisk(op, image, key.publicKey);
      await registerVm(op, iso ? 'boot2docker' : 'cloud-image');
      this.states.invalidate();
      // Chosen once and kept: docker-machine's machines keep theirs too.
      config.SSHPort ||= await freeLoopbackPort();
      config.SSHKeyPath = key.privateKeyPath;
      config.SSHUser = SSH_USER;
      context.progress('Starting the VM...');
      await bootVm(op, this.bootOptions());
      return { driverConfig: writeVirtualBoxConfig(machine, config) };
    } catch (error) {
      // Undone here, at once and whatever the signal says; the host's remove afterwards finds nothing left.
      await this.rollBack(machine, context).catch((rollbackError) =>
        context.log('warn', `Could not undo the create of "${machine.name}": ${String(rollbackError)}`),
      );
      throw error;
    }
  }

  private async rollBack(machine: MachineParams['machine'], context: CallContext): Promise<void> {
    const quiet: CallContext = {
      signal: new AbortController().signal,
      log: (level, message) => context.log(level, message),
      progress: () => undefined,
    };
    await removeVm(await this.host(quiet), machine, new MachineJournal(machine.machineDir), quiet);
    this.states.invalidate();
  }

  override async start(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const op = await this.operation(params, context);
    await bootVm(op, this.bootOptions());
    return { driverConfig: writeVirtualBoxConfig(params.machine, op.config) };
  }

  override async stop(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const op = await this.operation(params, context);
    const name = vmName(op);
    const info = await op.host.vmInfo(name);
    if (!info) throw notFound(name);
    if (info.get('VMState') === 'paused') await op.host.vbox.run(['controlvm', name, 'resume']);
    await op.host.vbox.run(['controlvm', name, 'acpipowerbutton']);
    this.states.invalidate();
    const timeoutMs = secondsFrom(this.env, STOP_TIMEOUT_ENV, 3 * 60_000);
    const deadline = Date.now() + timeoutMs;
    while ((await op.host.vmInfo(name))?.get('VMState') === 'running') {
      if (Date.now() >= deadline) {
        throw new GuestWaitTimeoutError(
          `machine "${name}" did not power off within ${Math.round(timeoutMs / 1000)} s of the ACPI power button`,
          {
            actions: [
              `The guest may ignore ACPI: stop it by force with \`berth kill ${name}\`.`,
              `Set ${STOP_TIMEOUT_ENV} (seconds) to wait longer.`,
            ],
          },
        );
      }
      await sleep(this.stopPollMs, context.signal, 'waiting for the VM to power off');
    }
    this.states.invalidate();
    op.config.IPAddress = '';
    return { driverConfig: writeVirtualBoxConfig(params.machine, op.config) };
  }

  override async kill(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const op = await this.operation(params, context);
    const result = await op.host.vbox.attempt(['controlvm', vmName(op), 'poweroff']);
    this.states.invalidate();
    if (result instanceof VBoxManageError) {
      if (result.kind === 'vm-not-found') throw notFound(vmName(op));
      if (result.kind !== 'not-running') throw result;
    }
    op.config.IPAddress = '';
    return { driverConfig: writeVirtualBoxConfig(params.machine, op.config) };
  }

  override async restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const stopped = await this.stop(params, context);
    return this.start({ machine: { ...params.machine, driverConfig: stopped.driverConfig } }, context);
  }

  override async remove(params: MachineParams, context: CallContext): Promise<void> {
    const { machine } = params;
    // A create of this machine still running here (cancelled, rolling back) finishes first.
    await this.creating.settled(machine.machineDir);
    await removeVm(await this.host(context), machine, new MachineJournal(machine.machineDir), context);
    this.states.invalidate();
  }

  override async getState(params: MachineParams): Promise<GetStateResult> {
    const state = await this.states.state(params.machine.name);
    if (state === undefined) throw notFound(params.machine.name);
    return { state: machineStateOf(state) };
  }

  override async getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult> {
    const { ip } = await this.getIp(params, context);
    return { url: ip ? `tcp://${ip}:${ENGINE_PORT}` : '' };
  }

  /** The stored host-only address (read at every start); read over SSH when the VM was started elsewhere. */
  override async getIp(params: MachineParams, context: CallContext): Promise<GetIpResult> {
    if ((await this.getState(params)).state !== 'Running') throw new MachineNotRunningError('Host is not running');
    const config = readVirtualBoxConfig(params.machine);
    if (config.IPAddress) return { ip: config.IPAddress };
    const host = await this.host(context);
    const nic = hostOnlyNic((await host.vmInfo(params.machine.name)) ?? new Map());
    if (!nic?.mac) return { ip: '' };
    const ip = await guestHostOnlyIp({
      port: config.SSHPort,
      user: config.SSHUser || SSH_USER,
      keyPath: config.SSHKeyPath || machineFile(params.machine.machineDir, 'key'),
      knownHostsFile: machineFile(params.machine.machineDir, 'knownHosts'),
      mac: nic.mac,
      timeoutMs: RUNNING_IP_TIMEOUT_MS,
      signal: context.signal,
    });
    return { ip };
  }

  override async getSshHostname(): Promise<GetSshHostnameResult> {
    return { hostname: LOOPBACK };
  }

  override async getSshPort(params: MachineParams): Promise<GetSshPortResult> {
    return { port: readVirtualBoxConfig(params.machine).SSHPort };
  }

  override async getSshUsername(params: MachineParams): Promise<GetSshUsernameResult> {
    return { username: readVirtualBoxConfig(params.machine).SSHUser || SSH_USER };
  }

  override async getSshKeyPath(params: MachineParams): Promise<GetSshKeyPathResult> {
    const config = readVirtualBoxConfig(params.machine);
    return { keyPath: config.SSHKeyPath || machineFile(params.machine.machineDir, 'key') };
  }

  private bootOptions() {
    return {
      guestTimeoutMs: secondsFrom(this.env, BOOT_TIMEOUT_ENV, 5 * 60_000),
      changed: () => this.states.invalidate(),
    };
  }

  private async operation(params: MachineParams, context: CallContext): Promise<MachineOperation> {
    return {
      host: await this.host(context),
      machine: params.machine,
      config: readVirtualBoxConfig(params.machine),
      journal: new MachineJournal(params.machine.machineDir),
      context,
    };
  }

  /** VBoxManage for this call (found once per process; looked for again while missing). */
  private async host(context?: CallContext): Promise<VirtualBoxHost> {
    this.located ??= openVBoxManage(this.settings.platform, { env: this.env });
    const vbox = await this.located.catch((error) => {
      this.located = undefined;
      throw error;
    });
    const logged = context
      ? vbox.withRunLog((argv, exitCode) => context.log('debug', `${argv.join(' ')} (exit ${exitCode})`))
      : vbox;
    return new VirtualBoxHost(logged, this.settings, this.memo);
  }
}

/** The machine's key pair: kept when the machine directory has one (as Docker Machine did), else made. */
async function machineKey(machineDir: string, name: string): Promise<{ privateKeyPath: string; publicKey: string }> {
  const privateKeyPath = machineFile(machineDir, 'key');
  const publicKey = await readFile(`${privateKeyPath}.pub`, 'utf8').catch(() => '');
  if (
    publicKey.trim() &&
    (await access(privateKeyPath).then(
      () => true,
      () => false,
    ))
  ) {
    return { privateKeyPath, publicKey: publicKey.trim() };
  }
  return createMachineKeyPair(machineDir, `berth:${name}`);
}
