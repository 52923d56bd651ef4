import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelledError,
  InternalError,
  InvalidFlagError,
  type MachineContext,
  MachineNotRunningError,
  NotSupportedError,
  TimeoutError,
} from '@berth/driver-protocol';
import { MachineJournal } from '@berth/driver-sdk';
import { dockerMachineFixture, type HypervSimulator, startHypervSimulator } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HypervDriver, START_TIMEOUT_ENV } from '../../src/driver.js';
import { configuredMachine, driverOn, exec, machineIn, recordingContext, statementsSince } from './support.js';

// The driver as the host calls it, against the test kit's powershell.exe with guests: false (a
// started VM only changes state, reports no address and has no SSH): pre-flight faults, and the
// statements create, stop, kill, start and rm send.

let sim: HypervSimulator;
let driver: HypervDriver;
let store: string;
let image: string;
const MB = 1024 * 1024;
const ADMIN = { Administrator: true, HyperVAdministrator: false };

beforeAll(async () => {
  sim = await startHypervSimulator({ guests: false });
  driver = driverOn(sim);
  store = await mkdtemp(join(tmpdir(), 'berth-hv-driver-'));
  image = join(store, 'image.qcow2');
  await exec('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
  // guests: false never reports an address: the wait for one ends after a second.
  process.env[START_TIMEOUT_ENV] = '1';
});

afterEach(async () => {
  await sim.setHost({ principal: ADMIN, moduleInstalled: true });
  await sim.setFaults({ shutdownIgnored: false, outOfMemory: false });
});

afterAll(async () => {
  delete process.env[START_TIMEOUT_ENV];
  await driver?.shutdown();
  await sim?.close();
  if (store) await rm(store, { recursive: true, force: true });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function preCreate(machine: MachineContext) {
  return driver.preCreateCheck({ machine }, recordingContext().context).catch((e: unknown) => e);
}

/** A create that gets as far as waiting for the address (which guests: false never gives). */
async function createUntilWait(name: string, given: Record<string, unknown> = {}) {
  const machine = await configuredMachine(driver, store, name, { 'hyperv-disk-size': 100, ...given });
  const recorded = recordingContext();
  const from = (await sim.calls()).length;
  const error = await driver
    .create(
      { machine, image: { path: image, url: 'https://images.example/i.qcow2', checksum: `sha256:${'0'.repeat(64)}` } },
      recorded.context,
    )
    .catch((e: unknown) => e);
  return { machine, error, lines: recorded.lines(), statements: await statementsSince(sim, from) };
}

describe('pre-create checks (B1-B3)', () => {
  it('pass for an administrator, matching the switch case-insensitively', async () => {
    const machine = await configuredMachine(driver, store, 'ok', { 'hyperv-virtual-switch': 'external wireless' });
    const from = (await sim.calls()).length;
    expect(await preCreate(machine)).toBeUndefined();
    expect(await statementsSince(sim, from)).toEqual(['B1', 'B2', 'B3', 'B5']);
  });

  it('pass for a member of Hyper-V Administrators who is not an administrator', async () => {
    await sim.setHost({ principal: { Administrator: false, HyperVAdministrator: true } });
    expect(await preCreate(await configuredMachine(driver, store, 'hvadmin'))).toBeUndefined();
  });

  it('name the Windows feature when the Hyper-V module is missing', async () => {
    await sim.setHost({ moduleInstalled: false });
    const error = await preCreate(await configuredMachine(driver, store, 'nomodule'));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).message).toBe('Hyper-V PowerShell Module is not available');
    expect((error as NotSupportedError).actions.join(' ')).toMatch(
      /Enable-WindowsOptionalFeature -Online -FeatureName Microsoft-Hyper-V-Management-PowerShell/,
    );
  });

  it('say how to join Hyper-V Administrators when the user has neither right', async () => {
    await sim.setHost({ principal: { Administrator: false, HyperVAdministrator: false } });
    const error = await preCreate(await configuredMachine(driver, store, 'nobody'));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).message).toMatch(
      /Administrator or a member of the Hyper-V Administrators group/,
    );
    expect((error as NotSupportedError).actions.join(' ')).toContain(
      'net localgroup "Hyper-V Administrators" %USERNAME% /add',
    );
    expect((error as NotSupportedError).actions.join(' ')).toMatch(/sign out and in again/);
  });

  it('list the switches that exist when the one asked for is missing', async () => {
    const error = await preCreate(
      await configuredMachine(driver, store, 'noswitch', { 'hyperv-virtual-switch': 'Office' }),
    );
    expect(error).toBeInstanceOf(InvalidFlagError);
    expect((error as InvalidFlagError).message).toBe('vswitch "Office" not found');
    expect((error as InvalidFlagError).actions[0]).toBe(
      'Switches on this host: "Default Switch" (Internal), "External Wireless" (External).',
    );
  });

  it('refuse a name Hyper-V already has a VM of', async () => {
    await sim.registerDockerMachineVm({
      name: 'taken',
      machineDir: join(store, 'other'),
      switchName: 'Default Switch',
    });
    const error = await preCreate(await configuredMachine(driver, store, 'taken'));
    expect((error as { code?: string }).code).toBe('MachineExists');
    expect((error as Error).message).toBe('Hyper-V already has a virtual machine named "taken"');
  });
});

describe('create and remove (state only)', () => {
  it('converts the disk, makes a generation 2 VM with every option, starts it and waits for an IPv4 (bounded)', async () => {
    const { machine, error, lines, statements } = await createUntilWait('full', {
      'hyperv-virtual-switch': 'external wireless',
      'hyperv-cpu-count': 2,
      'hyperv-memory': 1025,
      'hyperv-static-macaddress': '00:15:5d:aa:bb:cc',
      'hyperv-vlan-id': 12,
      'hyperv-disable-dynamic-memory': true,
    });
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(
      'machine "full" reported no IPv4 address within 1 s (switch "External Wireless", External; addresses seen: none)',
    );
    expect((error as TimeoutError).actions.join(' ')).toMatch(/hyperv-daemons/);
    expect(lines).toEqual([
      'Creating SSH key...',
      'Creating VM...',
      'Using switch "External Wireless"',
      'Creating VHD',
      'Starting VM...',
      'Waiting for host to start...',
    ]);
    const waits = statements.slice(11, -1);
    expect(statements.slice(0, 11)).toEqual([
      'B3',
      'B6',
      'B7',
      'B8',
      'B9',
      'B10:memory',
      'B10:processor',
      'B10:mac',
      'B10:vlan',
      'B5',
      'B11',
    ]);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.every((name) => name === 'B5')).toBe(true);
    expect(statements.at(-1)).toBe('B3');
    const [vm] = (await sim.vms()).filter((candidate) => candidate.name === 'full');
    expect(vm).toMatchObject({
      generation: 2,
      state: 'Running',
      memoryStartupBytes: 1026 * MB,
      dynamicMemoryEnabled: false,
      processorCount: 2,
      switchName: 'External Wireless',
      macAddress: '00155DAABBCC',
      staticMac: true,
      vlanId: 12,
      secureBootTemplate: 'MicrosoftUEFICertificateAuthority',
      dvdPaths: [join(machine.machineDir, 'seed.iso')],
      hardDisks: [join(machine.machineDir, 'disk.vhdx')],
    });
    const vhds = await sim.vhds();
    expect(vhds.find((vhd) => vhd.path === join(machine.machineDir, 'disk.vhdx'))).toMatchObject({
      format: 'VHDX',
      type: 'Dynamic',
      sizeBytes: 100 * MB,
    });
    expect(await exists(join(machine.machineDir, 'fixed.vhd'))).toBe(false);
    const kinds = (await new MachineJournal(machine.machineDir).entries()).map((entry) => `${entry.kind}:${entry.id}`);
    expect(kinds).toEqual(['create:full', 'file:seed.iso', 'file:fixed.vhd', 'file:disk.vhdx', 'vm:full']);

    // The rollback the host runs: turn off (it is running), remove the VM, delete the files.
    const from = (await sim.calls()).length;
    await driver.remove({ machine }, recordingContext().context);
    expect(await statementsSince(sim, from)).toEqual(['B5', 'B13', 'B14']);
    expect((await sim.vms()).map((candidate) => candidate.name)).not.toContain('full');
    for (const file of ['disk.vhdx', 'seed.iso', 'fixed.vhd']) {
      expect(await exists(join(machine.machineDir, file)), file).toBe(false);
    }
    expect(await new MachineJournal(machine.machineDir).entries()).toEqual([]);
    expect(await readFile(join(machine.machineDir, 'id_rsa.pub'), 'utf8')).toMatch(/^ssh-rsa /);
  });

  it('uses the Default Switch when none is named, and takes the default memory without B10 steps', async () => {
    const { machine, statements } = await createUntilWait('plain');
    expect(statements.slice(0, 7)).toEqual(['B3', 'B6', 'B7', 'B8', 'B9', 'B5', 'B11']);
    const [vm] = (await sim.vms()).filter((candidate) => candidate.name === 'plain');
    expect(vm).toMatchObject({ switchName: 'Default Switch', memoryStartupBytes: 1024 * MB, processorCount: 1 });
    await driver.remove({ machine }, recordingContext().context);
  });

  it('refuses a disk smaller than the image (the host rolls back: nothing is left)', async () => {
    const { machine, error, statements } = await createUntilWait('small', { 'hyperv-disk-size': 32 });
    expect(error).toBeInstanceOf(InvalidFlagError);
    expect((error as InvalidFlagError).message).toBe(
      "--hyperv-disk-size 32 MB is smaller than the image's disk (64 MB)",
    );
    expect(statements).toEqual(['B3']);
    await driver.remove({ machine }, recordingContext().context);
    // The journal has no VM: remove asks Hyper-V nothing.
    expect(await sim.vms()).not.toContainEqual(expect.objectContaining({ name: 'small' }));
    expect(await exists(join(machine.machineDir, 'fixed.vhd'))).toBe(false);
  });

  it('a Ctrl-C while it waits ends the create; the rollback removes the VM it made', async () => {
    const machine = await configuredMachine(driver, store, 'cancelled', { 'hyperv-disk-size': 100 });
    const controller = new AbortController();
    const context = recordingContext(controller.signal);
    const waiting = driver.create({ machine, image: { path: image, url: 'u', checksum: 'c' } }, context.context);
    process.env[START_TIMEOUT_ENV] = '60';
    while (!context.lines().includes('Waiting for host to start...')) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    process.env[START_TIMEOUT_ENV] = '1';
    await driver.remove({ machine }, recordingContext().context);
    expect((await sim.vms()).map((vm) => vm.name)).not.toContain('cancelled');
  });
});

describe("lifecycle of a docker-machine machine's VM", () => {
  let machine: MachineContext;

  beforeAll(async () => {
    // docker-machine's own stored machine (config.json as 0.16 wrote it), its VM as its create left it.
    const stored = JSON.parse(
      await readFile(dockerMachineFixture('store-hypervisors', 'machines', 'dm-hyperv', 'config.json'), 'utf8'),
    ) as { Driver: Record<string, unknown> };
    machine = { ...machineIn(store, 'dm-hyperv'), driverConfig: stored.Driver };
    await mkdir(machine.machineDir, { recursive: true });
    await sim.registerDockerMachineVm({
      name: 'dm-hyperv',
      machineDir: machine.machineDir,
      switchName: 'External Wireless',
      state: 'Running',
    });
  });

  it('stop: a graceful Stop-VM', async () => {
    const from = (await sim.calls()).length;
    await driver.stop({ machine }, recordingContext().context);
    expect(await statementsSince(sim, from)).toEqual(['B5', 'B12']);
    expect((await driver.getState({ machine }, recordingContext().context)).state).toBe('Stopped');
  });

  it('start: Start-VM, then the bounded wait for an IPv4', async () => {
    const from = (await sim.calls()).length;
    const error = await driver.start({ machine }, recordingContext().context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const statements = await statementsSince(sim, from);
    expect(statements.slice(0, 3)).toEqual(['B5', 'B11', 'B5']);
    expect((await driver.getState({ machine }, recordingContext().context)).state).toBe('Running');
  });

  it('stop whose guest does not answer: the NonInteractive prompt error, and a pointer to kill', async () => {
    await sim.setFaults({ shutdownIgnored: true });
    const error = await driver.stop({ machine }, recordingContext().context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalError);
    expect((error as Error).message).toBe(
      'Hyper-V could not shut down machine "dm-hyperv": Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available. (FullyQualifiedErrorId: InvalidOperation,Microsoft.HyperV.PowerShell.Commands.StopVM)',
    );
    expect((error as InternalError).actions[0]).toContain('`berth kill dm-hyperv`');
    expect((await driver.getState({ machine }, recordingContext().context)).state).toBe('Running');
  });

  it('kill: Stop-VM -TurnOff; killing it again does nothing and succeeds', async () => {
    let from = (await sim.calls()).length;
    await driver.kill({ machine }, recordingContext().context);
    expect(await statementsSince(sim, from)).toEqual(['B5', 'B13']);
    from = (await sim.calls()).length;
    await driver.kill({ machine }, recordingContext().context);
    expect(await statementsSince(sim, from)).toEqual(['B5']);
    expect((await driver.getState({ machine }, recordingContext().context)).state).toBe('Stopped');
  });

  it('start short of memory: the error record and what to do', async () => {
    await sim.setFaults({ outOfMemory: true });
    const error = await driver.start({ machine }, recordingContext().context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidFlagError);
    expect((error as Error).message).toMatch(
      /FullyQualifiedErrorId: OutOfMemory,Microsoft\.HyperV\.PowerShell\.Commands\.StartVM/,
    );
    expect((error as InvalidFlagError).actions.join(' ')).toMatch(/--hyperv-memory/);
  });

  it('a user with neither right sees no VM, and is told why', async () => {
    await sim.setHost({ principal: { Administrator: false, HyperVAdministrator: false } });
    const error = await driver.kill({ machine }, recordingContext().context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineNotRunningError);
    expect((error as MachineNotRunningError).actions.join(' ')).toContain('Hyper-V Administrators');
  });

  it('rm: Remove-VM (it is off); its disk files are left to the host', async () => {
    const from = (await sim.calls()).length;
    await driver.remove({ machine }, recordingContext().context);
    expect(await statementsSince(sim, from)).toEqual(['B5', 'B14']);
    expect((await sim.vms()).map((vm) => vm.name)).not.toContain('dm-hyperv');
  });

  it('rm of a VM already deleted in Hyper-V Manager: done, nothing to remove', async () => {
    const from = (await sim.calls()).length;
    await driver.remove({ machine }, recordingContext().context);
    expect(await statementsSince(sim, from)).toEqual(['B5']);
  });

  it("rm leaves alone a VM of the machine's name that is not its own", async () => {
    const other = await sim.registerDockerMachineVm({
      name: 'mine',
      machineDir: join(store, 'x'),
      switchName: 'Default Switch',
    });
    const own = machineIn(store, 'mine', { VMId: '00000000-0000-0000-0000-000000000001' });
    await new MachineJournal(own.machineDir).record('vm', 'mine');
    const recorded = recordingContext();
    await driver.remove({ machine: own }, recorded.context);
    expect((await sim.vms()).map((vm) => vm.id)).toContain(other.id);
    expect(recorded.logs.map((line) => line.message).join(' ')).toMatch(/not the machine's own/);
  });
});
