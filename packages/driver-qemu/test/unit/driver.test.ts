import { access, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelledError,
  type CreateParams,
  type Driver,
  InvalidFlagError,
  type MachineContext,
  NotSupportedError,
  TimeoutError,
} from '@berth/driver-protocol';
import { MachineJournal } from '@berth/driver-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAccelerator, kvmUnavailableReason, probeHost, TCG_WARNING } from '../../src/accelerator.js';
import { QemuDriver, STOP_TIMEOUT_ENV } from '../../src/driver.js';
import { loopbackPortIsFree } from '../../src/free-port.js';
import { machinePaths } from '../../src/machine-files.js';
import { queryStatus } from '../../src/qmp-client.js';
import { exec, machineIn, qemuFlags, recordingContext } from './support.js';

// Called as the host calls it, through the protocol's Driver interface, with a real qemu: the
// machine has an empty disk (SeaBIOS finds nothing to boot), which is enough for qemu's command
// line, the forwarded ports, QMP state and the power operations. Full boots are the e2e tests.
const driver: Driver = new QemuDriver();
let store: string;
let base: string;
const made: MachineContext[] = [];

beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'berth-qd-'));
  base = join(store, 'base.qcow2');
  await exec('qemu-img', ['create', '-f', 'qcow2', base, '64M']);
});

afterAll(async () => {
  // Whatever a failed test left running is quit through QMP, the way the driver does.
  for (const machine of made) await driver.remove({ machine }, recordingContext().context).catch(() => undefined);
  if (store) await rm(store, { recursive: true, force: true });
});

/** A new machine configured from flags, as the host has it before `machine/create`. */
async function configuredMachine(name: string, given: Record<string, unknown> = {}): Promise<MachineContext> {
  const machine = machineIn(store, name);
  await mkdir(machine.machineDir, { recursive: true });
  const { driverConfig } = await driver.setConfigFromFlags(
    { machine, flags: qemuFlags({ 'qemu-memory': 128, ...given }) },
    recordingContext().context,
  );
  const configured = { ...machine, driverConfig };
  made.push(configured);
  return configured;
}

function createParams(machine: MachineContext): CreateParams {
  return {
    machine,
    image: { path: base, url: 'https://images.example/base.qcow2', checksum: `sha256:${'0'.repeat(64)}` },
  };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('qemu driver on a real qemu', () => {
  it('creates, reports, stops (bounded), kills, starts on the same ports and removes a machine', async () => {
    const configured = await configuredMachine('vm1');
    const { context, logs, progress } = recordingContext();
    await driver.preCreateCheck({ machine: configured }, context);
    const { driverConfig } = await driver.create(createParams(configured), context);
    const machine = { ...configured, driverConfig };
    made.push(machine);
    const paths = machinePaths(machine.machineDir);
    const sshPort = driverConfig.SSHPort as number;
    const enginePort = driverConfig.EnginePort as number;

    expect(sshPort).toBeGreaterThan(0);
    expect(enginePort).toBeGreaterThan(0);
    expect(enginePort).not.toBe(sshPort);
    expect(driverConfig).toMatchObject({ IPAddress: '127.0.0.1', SSHKeyPath: paths.key, BaseImage: base });
    expect(progress.map((line) => line.message)).toEqual([
      'Creating SSH key...',
      'Creating the cloud-init seed...',
      `Creating a 20000 MB disk on ${base}...`,
      expect.stringMatching(/^Starting QEMU VM \((kvm|tcg)\)\.\.\.$/),
    ]);
    const expectedAccel = decideAccelerator('auto', await probeHost());
    expect(logs.some((line) => line.level === 'warn' && line.message === TCG_WARNING)).toBe(
      expectedAccel.accelerator === 'tcg',
    );

    // The files: the overlay on the base, the seed labelled cidata, the console, the journal.
    const { stdout } = await exec('qemu-img', ['info', '-U', '--output=json', paths.disk]); // -U: qemu holds the image
    expect(JSON.parse(stdout)).toMatchObject({ 'backing-filename': base, 'virtual-size': 20000 * 1024 * 1024 });
    const seed = await open(paths.seed, 'r');
    const label = Buffer.alloc(6);
    await seed.read(label, 0, 6, 16 * 2048 + 40); // The primary volume descriptor's volume id.
    await seed.close();
    expect(label.toString('latin1')).toBe('cidata');
    expect(await exists(paths.console)).toBe(true);
    expect(
      (await new MachineJournal(machine.machineDir).entries()).map((entry) => `${entry.kind}:${entry.id}`),
    ).toEqual(['file:seed.iso', 'file:disk.qcow2', 'qemu:qmp.sock']);

    // Running: state, URL and SSH answers; qemu holds both forwarded ports.
    expect(await driver.getState({ machine }, context)).toEqual({ state: 'Running' });
    expect(await driver.getUrl({ machine }, context)).toEqual({ url: `tcp://127.0.0.1:${enginePort}` });
    expect(await driver.getIp({ machine }, context)).toEqual({ ip: '127.0.0.1' });
    expect(await driver.getSshHostname({ machine }, context)).toEqual({ hostname: '127.0.0.1' });
    expect(await driver.getSshPort({ machine }, context)).toEqual({ port: sshPort });
    expect(await driver.getSshUsername({ machine }, context)).toEqual({ username: 'docker' });
    expect(await driver.getSshKeyPath({ machine }, context)).toEqual({ keyPath: paths.key });
    expect(await loopbackPortIsFree(sshPort)).toBe(false);
    expect(await loopbackPortIsFree(enginePort)).toBe(false);
    expect(await driver.start({ machine }, context)).toEqual({ driverConfig });

    // Nothing in this guest answers ACPI: stop gives up, bounded, and says to kill.
    process.env[STOP_TIMEOUT_ENV] = '2';
    try {
      const failure = await driver.stop({ machine }, context).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TimeoutError);
      expect((failure as TimeoutError).message).toMatch(/did not power off within 2 s/);
      expect((failure as TimeoutError).actions.join(' ')).toContain('berth kill vm1');
    } finally {
      delete process.env[STOP_TIMEOUT_ENV];
    }

    expect(await driver.kill({ machine }, context)).toEqual({ driverConfig });
    expect(await driver.getState({ machine }, context)).toEqual({ state: 'Stopped' });
    expect(await driver.getUrl({ machine }, context)).toEqual({ url: '' });
    expect(await loopbackPortIsFree(sshPort)).toBe(true);
    expect(await driver.kill({ machine }, context)).toEqual({ driverConfig });

    // A port taken while the machine was off: start says which.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port: enginePort }, resolve));
    try {
      await expect(driver.start({ machine }, context)).rejects.toThrow(
        new RegExp(`port ${enginePort} on 127.0.0.1, forwarded to the machine's Docker engine, is already in use`),
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }

    // Started again on the same ports: the URL is unchanged.
    expect(await driver.start({ machine }, context)).toEqual({ driverConfig });
    expect(await driver.getState({ machine }, context)).toEqual({ state: 'Running' });
    expect(await driver.getUrl({ machine }, context)).toEqual({ url: `tcp://127.0.0.1:${enginePort}` });

    await driver.remove({ machine }, context);
    expect(await queryStatus(paths.qmp)).toBeUndefined();
    for (const path of [paths.disk, paths.seed, paths.qmp, paths.console]) expect(await exists(path), path).toBe(false);
    expect(await exists(base)).toBe(true);
    expect(await new MachineJournal(machine.machineDir).entries()).toEqual([]);
    await driver.remove({ machine }, context);
  });

  it('a create cancelled while qemu starts ends Cancelled, and the rollback remove leaves no qemu', async () => {
    const machine = await configuredMachine('vm2');
    const controller = new AbortController();
    const calls = recordingContext(controller.signal);
    const cancelling = {
      ...calls.context,
      progress(message: string) {
        if (message.startsWith('Starting QEMU VM')) controller.abort();
      },
    };
    const creating = driver.create(createParams(machine), cancelling);
    // The host rolls back at once, while the create may still run: remove waits for it.
    const removing = creating.catch(() => undefined).then(() => driver.remove({ machine }, recordingContext().context));
    await expect(creating).rejects.toThrow(CancelledError);
    await removing;
    const paths = machinePaths(machine.machineDir);
    expect(await queryStatus(paths.qmp)).toBeUndefined();
    expect(await exists(paths.disk)).toBe(false);
    expect(calls.context.signal.aborted).toBe(true);
  });

  it('pre-create checks: a missing qemu, a taken port, a missing kernel, an unavailable kvm', async () => {
    const { context } = recordingContext();
    const noQemu = await configuredMachine('pc1', { 'qemu-binary': '/nonexistent/qemu-system-x86_64' });
    const missing = await driver.preCreateCheck({ machine: noQemu }, context).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotSupportedError);
    expect((missing as NotSupportedError).message).toContain('/nonexistent/qemu-system-x86_64 was not found');
    expect((missing as NotSupportedError).actions.join(' ')).toContain(
      process.arch === 'arm64'
        ? 'apt-get install qemu-system-arm qemu-utils'
        : 'Install qemu-system-x86 and qemu-utils (Debian/Ubuntu: apt-get install qemu-system-x86 qemu-utils',
    );

    const { server, port } = await listen();
    try {
      const taken = await configuredMachine('pc2', { 'qemu-ssh-port': port });
      const error = await driver.preCreateCheck({ machine: taken }, context).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(InvalidFlagError);
      expect((error as InvalidFlagError).message).toBe(
        `port ${port} on 127.0.0.1, forwarded to the machine's SSH, is already in use`,
      );
      expect((error as InvalidFlagError).data).toMatchObject({ flag: 'qemu-ssh-port', port });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const noKernel = await configuredMachine('pc3', { 'qemu-kernel': join(store, 'vmlinuz') });
    await expect(driver.preCreateCheck({ machine: noKernel }, context)).rejects.toThrow(
      /--qemu-kernel .*vmlinuz does not exist/,
    );

    const kvm = await configuredMachine('pc4', { 'qemu-accelerator': 'kvm' });
    const reason = kvmUnavailableReason(await probeHost());
    if (reason) {
      await expect(driver.preCreateCheck({ machine: kvm }, context)).rejects.toThrow(
        `--qemu-accelerator kvm cannot be used: ${reason}`,
      );
    } else {
      await expect(driver.preCreateCheck({ machine: kvm }, context)).resolves.toBeUndefined();
    }
  });
});
