import { randomUUID } from 'node:crypto';
import { access, rm } from 'node:fs/promises';
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
  type ImageRequest,
  InternalError,
  InvalidFlagError,
  MachineNotRunningError,
  type MachineParams,
  MissingFlagError,
  NotSupportedError,
  type SetConfigFromFlagsParams,
  type SetConfigFromFlagsResult,
  TimeoutError,
} from '@berth/driver-protocol';
import {
  BaseDriver,
  boolFlag,
  createMachineKeyPair,
  InFlightCreates,
  intFlag,
  MachineJournal,
  sleep,
  stringFlag,
  throwIfCancelled,
} from '@berth/driver-sdk';
import { writeNoCloudSeed } from '@berth/driver-sdk/seed';
import { decideAccelerator, probeHost } from './accelerator.js';
import { portTaken, qemuMissing, qmpFailure } from './errors.js';
import { ACCELERATOR_CHOICES, type AcceleratorChoice, QEMU_FLAGS } from './flags.js';
import { freeLoopbackPort, loopbackPortIsFree } from './free-port.js';
import { MACHINE_FILES, MAX_UNIX_SOCKET_PATH, machinePaths } from './machine-files.js';
import { machineStateOf } from './machine-state.js';
import { qemuArguments } from './qemu-command.js';
import { hostArch, type QemuConfig, readQemuConfig, writeQemuConfig } from './qemu-config.js';
import { createOverlay } from './qemu-img.js';
import { queryStatus, withQmp } from './qmp-client.js';
import { findExecutable, findQemuImg, runTool } from './run-tool.js';

const VERSION = '0.1.0';
const LOOPBACK = '127.0.0.1';
/** The catalogue image a machine gets unless `--qemu-image-url` names another. */
export const DEFAULT_IMAGE = 'debian-12';
/** Bound on qemu setting the machine up until it daemonizes. */
const SPAWN_TIMEOUT_MS = 120_000;
/** Bound on the guest powering off after ACPI power-down (Docker Machine's state waits: 3 minutes). */
const STOP_TIMEOUT_MS = 3 * 60_000;
/** Seconds; overrides {@link STOP_TIMEOUT_MS} (a slow guest, or a test). */
export const STOP_TIMEOUT_ENV = 'BERTH_QEMU_STOP_TIMEOUT';
/** Bound on qemu exiting after `quit`. */
const QUIT_TIMEOUT_MS = 30_000;
/** Bound on one QMP exchange. */
const QMP_TIMEOUT_MS = 10_000;
const POLL_MS = 1_000;
const CHECKSUM = /^(sha256:[0-9a-fA-F]{64}|sha512:[0-9a-fA-F]{128})$/;

/** Journal kinds: files the driver made in the machine directory, and the qemu it started. */
const KIND_FILE = 'file';
const KIND_QEMU = 'qemu';

/**
 * Local machines under QEMU: a qcow2 overlay on a base image the host fetched and verified, a
 * cloud-init NoCloud seed for the user and key, user-mode networking with SSH and the engine
 * forwarded to fixed ports on 127.0.0.1, and control through QMP on a socket in the machine
 * directory (no PIDs: the socket answering is the machine being up).
 */
export class QemuDriver extends BaseDriver {
  readonly name = 'qemu';
  readonly version = VERSION;
  /** Creates running in this process, by machine dir: a remove of the same machine waits for them. */
  private readonly creating = new InFlightCreates();

  capabilities(): DriverCapabilities {
    return { powerControl: true, ssh: true };
  }

  createFlags(): CreateFlag[] {
    return QEMU_FLAGS;
  }

  override async setConfigFromFlags(params: SetConfigFromFlagsParams): Promise<SetConfigFromFlagsResult> {
    const { flags, machine } = params;
    const positive = (flag: string, min: number, unit: string) => {
      const value = intFlag(flags, flag);
      if (value < min) {
        throw new InvalidFlagError(`--${flag} must be at least ${min}${unit}, not ${value}`, { data: { flag } });
      }
      return value;
    };
    const port = (flag: string) => {
      const value = intFlag(flags, flag);
      if (value < 0 || value > 65535) {
        throw new InvalidFlagError(
          `--${flag} must be a port number from 1 to 65535 (or 0: any free one), not ${value}`,
          {
            data: { flag },
          },
        );
      }
      return value;
    };
    const accelerator = stringFlag(flags, 'qemu-accelerator').trim() || 'auto';
    if (!(ACCELERATOR_CHOICES as readonly string[]).includes(accelerator)) {
      throw new InvalidFlagError(
        `--qemu-accelerator must be one of ${ACCELERATOR_CHOICES.join(', ')}, not "${accelerator}"`,
        {
          data: { flag: 'qemu-accelerator' },
        },
      );
    }
    const imageUrl = stringFlag(flags, 'qemu-image-url').trim();
    const checksum = stringFlag(flags, 'qemu-image-checksum').trim();
    if (imageUrl && !checksum) {
      throw new MissingFlagError(
        '--qemu-image-url needs --qemu-image-checksum: Berth boots no image it cannot verify',
        {
          actions: ['Give the image checksum with --qemu-image-checksum sha256:<hex> (or sha512:<hex>).'],
          data: { flag: 'qemu-image-checksum' },
        },
      );
    }
    if (checksum && !imageUrl) {
      throw new InvalidFlagError('--qemu-image-checksum is given without --qemu-image-url', {
        actions: ['Give the image it belongs to with --qemu-image-url, or drop the checksum.'],
        data: { flag: 'qemu-image-checksum' },
      });
    }
    if (checksum && !CHECKSUM.test(checksum)) {
      throw new InvalidFlagError(`--qemu-image-checksum must be sha256:<64 hex digits> or sha512:<128 hex digits>`, {
        data: { flag: 'qemu-image-checksum' },
      });
    }
    if (imageUrl && !URL.canParse(imageUrl)) {
      throw new InvalidFlagError(`--qemu-image-url "${imageUrl}" is not a URL`, { data: { flag: 'qemu-image-url' } });
    }
    const kernel = stringFlag(flags, 'qemu-kernel').trim();
    const initrd = stringFlag(flags, 'qemu-initrd').trim();
    const append = stringFlag(flags, 'qemu-append');
    if (!kernel && (initrd || append)) {
      throw new InvalidFlagError(`--qemu-${initrd ? 'initrd' : 'append'} is for a kernel booted directly`, {
        actions: ['Give the kernel with --qemu-kernel too, or drop the option.'],
        data: { flag: initrd ? 'qemu-initrd' : 'qemu-append' },
      });
    }
    const sshPort = port('qemu-ssh-port');
    const enginePort = port('qemu-engine-port');
    if (sshPort !== 0 && sshPort === enginePort) {
      throw new InvalidFlagError(`--qemu-ssh-port and --qemu-engine-port are both ${sshPort}`, {
        data: { flag: 'qemu-engine-port' },
      });
    }
    const arch = hostArch();
    const config: QemuConfig = {
      ...readQemuConfig(machine),
      IPAddress: LOOPBACK,
      SSHUser: stringFlag(flags, 'qemu-ssh-user').trim() || 'docker',
      SSHPort: sshPort,
      CPU: positive('qemu-cpu-count', 1, ''),
      Memory: positive('qemu-memory', 128, ' MB'),
      DiskSize: positive('qemu-disk-size', 1, ' MB'),
      Accelerator: accelerator as AcceleratorChoice,
      QemuBinary: stringFlag(flags, 'qemu-binary').trim(),
      Arch: arch,
      ImageURL: imageUrl,
      ImageChecksum: checksum,
      Kernel: kernel,
      Initrd: initrd,
      Append: append,
      RestrictNetwork: boolFlag(flags, 'qemu-restrict-network'),
      EnginePort: enginePort,
    };
    if (!config.QemuBinary) {
      throw new MissingFlagError('--qemu-binary is empty', { data: { flag: 'qemu-binary' } });
    }
    const image: ImageRequest = imageUrl ? { url: imageUrl, checksum } : { name: DEFAULT_IMAGE, arch };
    return { driverConfig: writeQemuConfig(machine, config), image };
  }

  override async preCreateCheck(params: MachineParams): Promise<void> {
    const { machine } = params;
    const config = readQemuConfig(machine);
    const qemu = await findExecutable(config.QemuBinary);
    if (!qemu) throw qemuMissing(`${config.QemuBinary} was not found`, config.Arch);
    if (!(await findQemuImg(qemu))) throw qemuMissing('qemu-img was not found', config.Arch);
    decideAccelerator(config.Accelerator, await probeHost());
    for (const [port, purpose, flag] of [
      [config.SSHPort, 'SSH', 'qemu-ssh-port'],
      [config.EnginePort, 'Docker engine', 'qemu-engine-port'],
    ] as const) {
      if (port > 0 && !(await loopbackPortIsFree(port))) throw portTaken(port, purpose, flag);
    }
    for (const [path, flag] of [
      [config.Kernel, 'qemu-kernel'],
      [config.Initrd, 'qemu-initrd'],
    ] as const) {
      if (path && !(await readable(path))) {
        throw new InvalidFlagError(`--${flag} ${path} does not exist or cannot be read`, { data: { flag, path } });
      }
    }
    const socket = machinePaths(machine.machineDir).qmp;
    if (Buffer.byteLength(socket) > MAX_UNIX_SOCKET_PATH) {
      throw new NotSupportedError(
        `the machine's QMP socket path ${socket} is longer than the ${MAX_UNIX_SOCKET_PATH} bytes a unix socket allows`,
        { actions: ['Use a shorter store path (--storage-path or MACHINE_STORAGE_PATH) or machine name.'] },
      );
    }
  }

  override async create(params: CreateParams, context: CallContext): Promise<DriverConfigResult> {
    return this.creating.run(params.machine.machineDir, () => this.createMachine(params, context));
  }

  private async createMachine(params: CreateParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine, image } = params;
    const { signal } = context;
    if (!image) {
      throw new NotSupportedError('the qemu driver needs a host that fetches its base image (driver protocol 1.2)', {
        actions: ['Upgrade berth.'],
      });
    }
    const config = readQemuConfig(machine);
    const paths = machinePaths(machine.machineDir);
    const journal = new MachineJournal(machine.machineDir);
    const qemuImg = await findQemuImg((await findExecutable(config.QemuBinary)) ?? config.QemuBinary);
    if (!qemuImg) throw qemuMissing('qemu-img was not found', config.Arch);

    context.progress('Creating SSH key...');
    const key = await createMachineKeyPair(machine.machineDir, `berth:${machine.name}`);
    throwIfCancelled(signal, 'creating the SSH key');

    context.progress('Creating the cloud-init seed...');
    config.InstanceID = `berth-${machine.name}-${randomUUID()}`;
    await journal.record(KIND_FILE, MACHINE_FILES.seed);
    await writeNoCloudSeed(paths.seed, {
      instanceId: config.InstanceID,
      hostname: machine.name,
      sshAuthorizedKeys: [key.publicKey],
      user: config.SSHUser,
    });
    throwIfCancelled(signal, 'creating the cloud-init seed');

    context.progress(`Creating a ${config.DiskSize} MB disk on ${image.path}...`);
    await journal.record(KIND_FILE, MACHINE_FILES.disk);
    await createOverlay(qemuImg, { base: image.path, overlay: paths.disk, sizeMb: config.DiskSize, signal });
    config.BaseImage = image.path;
    throwIfCancelled(signal, 'creating the disk');

    // Chosen once, kept for the machine's life: its URL and server certificate stay valid.
    config.SSHPort ||= await freeLoopbackPort();
    while (!config.EnginePort || config.EnginePort === config.SSHPort) config.EnginePort = await freeLoopbackPort();
    config.SSHKeyPath = key.privateKeyPath;
    config.IPAddress = LOOPBACK;
    const created = writeQemuConfig(machine, config);
    await journal.record(KIND_QEMU, MACHINE_FILES.qmp);
    await this.boot({ ...machine, driverConfig: created }, context);
    return { driverConfig: created };
  }

  override async start(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const status = await this.status(params, context);
    if (status === undefined) await this.boot(params.machine, context);
    else if (machineStateOf(status) === 'Paused') {
      await this.qmp(params, context, 'resuming it', (client) => client.execute('cont'));
    }
    return { driverConfig: params.machine.driverConfig };
  }

  /**
   * Starts qemu for the machine. The spawn is not cut short by Ctrl-C: qemu forks its daemon while
   * setting up, so killing the parent could leave a machine nobody knows of; it ends within
   * seconds, then the cancel is honoured (and a cancelled create's remove quits that qemu).
   */
  private async boot(machine: MachineParams['machine'], context: CallContext): Promise<void> {
    const config = readQemuConfig(machine);
    const paths = machinePaths(machine.machineDir);
    if (!(await readable(paths.disk))) {
      throw new MachineNotRunningError(`machine "${machine.name}" has no disk (${paths.disk})`, {
        actions: [`Remove it with \`berth rm -f ${machine.name}\` and create it again.`],
      });
    }
    const qemu = await findExecutable(config.QemuBinary);
    if (!qemu) throw qemuMissing(`${config.QemuBinary} was not found`, config.Arch);
    const { accelerator, warning } = decideAccelerator(config.Accelerator, await probeHost());
    if (warning) context.log('warn', warning);
    for (const [port, purpose, flag] of [
      [config.SSHPort, 'SSH', 'qemu-ssh-port'],
      [config.EnginePort, 'Docker engine', 'qemu-engine-port'],
    ] as const) {
      if (!(await loopbackPortIsFree(port))) throw portTaken(port, purpose, flag);
    }
    await rm(paths.qmp, { force: true });
    throwIfCancelled(context.signal, 'starting the machine');
    context.progress(`Starting QEMU VM (${accelerator})...`);
    const args = qemuArguments({
      name: machine.name,
      arch: config.Arch,
      accelerator,
      cpus: config.CPU,
      memory: config.Memory,
      paths,
      sshPort: config.SSHPort,
      enginePort: config.EnginePort,
      restrictNetwork: config.RestrictNetwork,
      kernel: config.Kernel,
      initrd: config.Initrd,
      append: config.Append,
    });
    context.log('debug', `${qemu} ${args.join(' ')}`);
    const result = await runTool(qemu, args, { timeoutMs: SPAWN_TIMEOUT_MS, cwd: machine.machineDir });
    if (result.code !== 0) {
      const why = result.stderr.trim() || (result.signal ? `killed by ${result.signal}` : `exit status ${result.code}`);
      throw new InternalError(`qemu could not start machine "${machine.name}": ${why}`, {
        actions: ['Check the message above; the full command line shows with --debug.'],
        data: { command: [qemu, ...args], stderr: result.stderr },
      });
    }
    throwIfCancelled(context.signal, 'starting the machine');
    const status = await this.status({ machine }, context);
    if (status === undefined) {
      throw new InternalError(`qemu of machine "${machine.name}" exited right after starting`, {
        actions: [`Look at the machine's console: ${paths.console}.`],
      });
    }
  }

  override async stop(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const { machine } = params;
    const status = await this.status(params, context);
    if (status === undefined) return { driverConfig: machine.driverConfig };
    context.progress('Stopping the machine (ACPI power-down)...');
    await this.qmp(params, context, 'powering it down', async (client) => {
      if (status !== 'running') await client.execute('cont');
      await client.execute('system_powerdown');
    });
    const timeoutMs = stopTimeoutMs();
    if (!(await this.waitForExit(params, context, timeoutMs, 'waiting for the machine to power off'))) {
      throw new TimeoutError(
        `machine "${machine.name}" did not power off within ${Math.round(timeoutMs / 1000)} s of the ACPI power-down`,
        {
          actions: [
            `The guest may ignore ACPI: stop it by force with \`berth kill ${machine.name}\`.`,
            `Set ${STOP_TIMEOUT_ENV} (seconds) to wait longer.`,
          ],
        },
      );
    }
    return { driverConfig: machine.driverConfig };
  }

  override async kill(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    await this.quit(params, context);
    return { driverConfig: params.machine.driverConfig };
  }

  override async restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    await this.stop(params, context);
    return this.start(params, context);
  }

  override async remove(params: MachineParams, context: CallContext): Promise<void> {
    const { machine } = params;
    // A create of this machine still running here (cancelled, being rolled back) may be starting
    // qemu: let it finish, so the qemu it started is quit below rather than left running.
    await this.creating.settled(machine.machineDir);
    await this.quit(params, context);
    const journal = new MachineJournal(machine.machineDir);
    await journal.forget(KIND_QEMU, MACHINE_FILES.qmp);
    const paths = machinePaths(machine.machineDir);
    // The host deletes the machine directory (keys, journal) after this; the image cache is never touched.
    for (const [file, path] of [
      [MACHINE_FILES.disk, paths.disk],
      [MACHINE_FILES.seed, paths.seed],
      [MACHINE_FILES.qmp, paths.qmp],
      [MACHINE_FILES.console, paths.console],
    ] as const) {
      await rm(path, { force: true });
      await journal.forget(KIND_FILE, file);
    }
  }

  override async getState(params: MachineParams, context: CallContext): Promise<GetStateResult> {
    try {
      return { state: machineStateOf(await this.status(params, context)) };
    } catch (error) {
      if (error instanceof TimeoutError) return { state: 'Timeout' };
      throw error;
    }
  }

  override async getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult> {
    const { EnginePort } = readQemuConfig(params.machine);
    if (!EnginePort || (await this.getState(params, context)).state !== 'Running') return { url: '' };
    return { url: `tcp://${LOOPBACK}:${EnginePort}` };
  }

  override async getIp(): Promise<GetIpResult> {
    return { ip: LOOPBACK };
  }

  override async getSshHostname(): Promise<GetSshHostnameResult> {
    return { hostname: LOOPBACK };
  }

  override async getSshPort(params: MachineParams): Promise<GetSshPortResult> {
    return { port: readQemuConfig(params.machine).SSHPort };
  }

  override async getSshUsername(params: MachineParams): Promise<GetSshUsernameResult> {
    return { username: readQemuConfig(params.machine).SSHUser };
  }

  override async getSshKeyPath(params: MachineParams): Promise<GetSshKeyPathResult> {
    return { keyPath: readQemuConfig(params.machine).SSHKeyPath || machinePaths(params.machine.machineDir).key };
  }

  /** qemu's run state, or undefined when no qemu runs for the machine. */
  private async status(params: MachineParams, context: CallContext): Promise<string | undefined> {
    const path = machinePaths(params.machine.machineDir).qmp;
    try {
      return await queryStatus(path, { timeoutMs: QMP_TIMEOUT_MS, signal: context.signal });
    } catch (error) {
      throw qmpFailure(error, params.machine.name, 'reading its state');
    }
  }

  private async qmp(
    params: MachineParams,
    context: CallContext,
    doing: string,
    work: Parameters<typeof withQmp>[2],
  ): Promise<void> {
    const path = machinePaths(params.machine.machineDir).qmp;
    try {
      await withQmp(path, { timeoutMs: QMP_TIMEOUT_MS, signal: context.signal }, work);
    } catch (error) {
      throw qmpFailure(error, params.machine.name, doing);
    }
  }

  /** Quits qemu (a forced power-off) if it runs, and waits for it to exit. */
  private async quit(params: MachineParams, context: CallContext): Promise<void> {
    if ((await this.status(params, context)) === undefined) return;
    context.progress('Stopping qemu...');
    await this.qmp(params, context, 'quitting', async (client) => {
      await client.execute('quit');
      await client.closed().catch(() => undefined);
    });
    if (!(await this.waitForExit(params, context, QUIT_TIMEOUT_MS, 'waiting for qemu to exit'))) {
      const name = params.machine.name;
      throw new TimeoutError(`qemu of machine "${name}" did not exit within ${QUIT_TIMEOUT_MS / 1000} s of quit`, {
        actions: [`Find it with \`pgrep -af 'machines/${name}/'\` and end it with kill.`],
      });
    }
  }

  /** Polls the QMP socket until no qemu answers there (true), or the time is up (false). */
  private async waitForExit(
    params: MachineParams,
    context: CallContext,
    timeoutMs: number,
    what: string,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.status(params, context)) === undefined) return true;
      if (Date.now() >= deadline) return false;
      await sleep(POLL_MS, context.signal, what);
    }
  }
}

function stopTimeoutMs(): number {
  const seconds = Number(process.env[STOP_TIMEOUT_ENV]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : STOP_TIMEOUT_MS;
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
