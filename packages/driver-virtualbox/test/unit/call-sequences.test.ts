import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CachedImage, isBerthError, type MachineContext } from '@berth/driver-protocol';
import { createMachineKeyPair, MachineJournal } from '@berth/driver-sdk';
import { startVirtualBoxSimulator, type VirtualBoxSimulator } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOOT_TIMEOUT_ENV, STOP_TIMEOUT_ENV, VirtualBoxDriver } from '../../src/driver.js';
import { freeLoopbackPort } from '../../src/network/loopback-port.js';
import { cachedImage, exec, machineIn, recordingContext, routeTable, virtualboxFlags } from './support.js';

// The driver against the test kit's VBoxManage simulator without guests (contract §3): VMs only
// change state, so a boot ends at the wait for SSH (bounded to a second here), which is where a
// create is rolled back. What the driver ran is read from the simulator's call log.

let sim: VirtualBoxSimulator;
let store: string;
let image: CachedImage;
let routes: string;
let offset = 0;

/** The simulator's calls since the last look, as argv (VBoxManage's path left off). */
async function newCalls(): Promise<string[][]> {
  const calls = await sim.calls();
  const fresh = calls.slice(offset).map((call) => call.argv);
  offset = calls.length;
  return fresh;
}

const joined = (calls: string[][]) => calls.map((argv) => argv.join(' '));

function driverFor(extraEnv: Record<string, string> = {}): VirtualBoxDriver {
  return new VirtualBoxDriver({
    env: { ...process.env, ...sim.env(), [BOOT_TIMEOUT_ENV]: '1', [STOP_TIMEOUT_ENV]: '5', ...extraEnv },
    platform: 'linux',
    routeTablePath: routes,
    stopPollMs: 100,
  });
}

async function configured(
  driver: VirtualBoxDriver,
  name: string,
  given: Record<string, unknown> = {},
): Promise<MachineContext> {
  const machine = machineIn(store, name);
  await mkdir(machine.machineDir, { recursive: true });
  const { driverConfig } = await driver.setConfigFromFlags({
    machine,
    flags: virtualboxFlags({ 'virtualbox-no-share': true, ...given }),
  });
  return { ...machine, driverConfig };
}

async function failure(
  work: Promise<unknown>,
): Promise<Error & { code: string; actions: string[]; data: Record<string, unknown> }> {
  try {
    await work;
  } catch (error) {
    if (isBerthError(error)) return error as never;
    throw error;
  }
  throw new Error('it succeeded');
}

/** A VM as docker-machine left it, in this store: b2d ISO and disk files, NAT ssh rule, host-only NIC. */
async function dockerMachineVm(
  name: string,
  cidr: string,
  dhcpServerOctet?: number,
): Promise<{ machine: MachineContext; port: number }> {
  const machineDir = join(store, 'machines', name);
  await mkdir(machineDir, { recursive: true });
  await writeFile(join(machineDir, 'boot2docker.iso'), Buffer.alloc(4096));
  await writeFile(join(machineDir, 'disk.vmdk'), Buffer.alloc(4096));
  // docker-machine made the machine's key at create.
  await createMachineKeyPair(machineDir, `docker-machine:${name}`);
  const port = await freeLoopbackPort();
  await sim.registerDockerMachineVm({
    name,
    machineDir,
    sshPort: port,
    hostOnlyCidr: cidr,
    boot2dockerIso: join(machineDir, 'boot2docker.iso'),
    disk: join(machineDir, 'disk.vmdk'),
    dhcpServerOctet,
  });
  const driverConfig = {
    IPAddress: '',
    MachineName: name,
    SSHUser: 'docker',
    SSHPort: port,
    SSHKeyPath: '',
    StorePath: store,
    SwarmMaster: false,
    SwarmHost: '',
    SwarmDiscovery: '',
    VBoxManager: {},
    HostInterfaces: {},
    CPU: 1,
    Memory: 1024,
    DiskSize: 20000,
    NatNicType: '82540EM',
    Boot2DockerURL: '',
    Boot2DockerImportVM: '',
    HostDNSResolver: false,
    HostOnlyCIDR: cidr,
    HostOnlyNicType: '82540EM',
    HostOnlyPromiscMode: 'deny',
    UIType: 'headless',
    HostOnlyNoDHCP: false,
    NoShare: false,
    DNSProxy: true,
    NoVTXCheck: false,
    ShareFolder: '',
  };
  return { machine: { name, storePath: store, machineDir, driverConfig }, port };
}

/** Runs the simulated VBoxManage as a user would (to change the world between steps). */
async function vboxManage(...args: string[]): Promise<string> {
  const { stdout } = await exec(join(sim.binDir, 'VBoxManage'), args, { env: { ...process.env, ...sim.env() } });
  return stdout;
}

beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'berth-vbox-seq-'));
  image = await cachedImage(join(store, 'cache', 'images'));
  routes = join(store, 'route');
});

afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

beforeEach(async () => {
  sim = await startVirtualBoxSimulator({ guests: false, acpiDelayMs: 200 });
  offset = 0;
  await writeFile(routes, routeTable([['eth0', '172.17.0.0', 16]]));
});

afterEach(async () => {
  await sim.close();
});

describe('create', () => {
  it('runs the contract’s calls in order, and a failed boot rolls every one back', async () => {
    const driver = driverFor();
    const machine = await configured(driver, 'vb1');
    const { context, progress } = recordingContext();
    await driver.preCreateCheck({ machine }, context);
    expect(joined(await newCalls())).toEqual(['--version', 'list hostonlyifs', 'showvminfo vb1 --machinereadable']);

    const error = await failure(driver.create({ machine, image }, context));
    expect(['SshConnect', 'SshTimeout', 'Timeout']).toContain(error.code);
    const m = machine.machineDir;
    const calls = joined(await newCalls());
    const port = (calls.find((call) => call.startsWith('modifyvm vb1 --natpf1 ssh,')) ?? '').split(',')[3];
    expect(Number(port)).toBeGreaterThan(0);
    expect(calls).toEqual([
      'list hostonlyifs',
      `clonemedium disk ${image.path} ${m}/disk.vmdk --format VMDK`,
      `modifymedium disk ${m}/disk.vmdk --resize 20000`,
      'showvminfo vb1 --machinereadable',
      `createvm --basefolder ${m} --name vb1 --register`,
      'modifyvm vb1 --firmware bios --ostype Debian_64 --cpus 1 --memory 1024 --acpi on --ioapic on --rtcuseutc on --natdnshostresolver1 off --natdnsproxy1 on --cpuhotplug off --pae on --hpet on --hwvirtex on --nestedpaging on --largepages on --vtxvpid on --accelerate3d off --boot1 disk --boot2 dvd',
      'modifyvm vb1 --nic1 nat --nictype1 82540EM --cableconnected1 on',
      'storagectl vb1 --name SATA --add sata --hostiocache on',
      `storageattach vb1 --storagectl SATA --port 0 --device 0 --type hdd --medium ${m}/disk.vmdk`,
      `storageattach vb1 --storagectl SATA --port 1 --device 0 --type dvddrive --medium ${m}/seed.iso`,
      'guestproperty set vb1 /VirtualBox/GuestAdd/SharedFolders/MountPrefix /',
      'guestproperty set vb1 /VirtualBox/GuestAdd/SharedFolders/MountDir /',
      // Start: the host-only network first.
      'showvminfo vb1 --machinereadable',
      'list hostonlyifs',
      'hostonlyif create',
      'setextradata global Berth/HostOnlyAdapter/vboxnet0 created',
      'list hostonlyifs',
      'hostonlyif ipconfig vboxnet0 --ip 192.168.59.1 --netmask 255.255.255.0',
      'list dhcpservers',
      'dhcpserver add --netname HostInterfaceNetworking-vboxnet0 --ip 192.168.59.2 --netmask 255.255.255.0 --lowerip 192.168.59.100 --upperip 192.168.59.254 --enable',
      'modifyvm vb1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 vboxnet0 --cableconnected2 on',
      'modifyvm vb1 --natpf1 delete ssh',
      `modifyvm vb1 --natpf1 ssh,tcp,127.0.0.1,${port},,22`,
      'startvm vb1 --type headless',
      'showvminfo vb1 --machinereadable',
      // The wait for SSH failed: everything is undone, in reverse.
      'showvminfo vb1 --machinereadable',
      'controlvm vb1 poweroff',
      'unregistervm --delete vb1',
      'getextradata global Berth/HostOnlyAdapter/vboxnet0',
      'list vms',
      'dhcpserver remove --netname HostInterfaceNetworking-vboxnet0',
      'hostonlyif remove vboxnet0',
      'setextradata global Berth/HostOnlyAdapter/vboxnet0',
    ]);
    expect(progress).toEqual(
      expect.arrayContaining([
        'Creating VirtualBox VM...',
        'Creating SSH key...',
        'Starting the VM...',
        'Check network to re-create if needed...',
        'Found a new host-only adapter: "vboxnet0"',
        'Waiting for an IP...',
      ]),
    );
    expect(progress.indexOf('Creating VirtualBox VM...')).toBeLessThan(progress.indexOf('Creating SSH key...'));
    expect(await sim.leftovers()).toEqual([]);
    expect(await new MachineJournal(m).entries()).toEqual([]);
    expect((await readdir(m)).sort()).toEqual(['id_rsa', 'id_rsa.pub', 'journal.json']);
  });

  it('Ctrl-C while it boots leaves nothing', async () => {
    const driver = driverFor({ [BOOT_TIMEOUT_ENV]: '30' });
    const machine = await configured(driver, 'vb2');
    const controller = new AbortController();
    const { context } = recordingContext(controller.signal);
    const progress = context.progress.bind(context);
    const watching = {
      ...context,
      progress: (line: string) => {
        progress(line);
        if (line === 'Waiting for an IP...') controller.abort();
      },
    };
    const error = await failure(driver.create({ machine, image }, watching));
    expect(error.code).toBe('Cancelled');
    // The host's own remove after a failed create finds nothing more to do.
    await driver.remove({ machine }, recordingContext().context);
    expect(await sim.leftovers()).toEqual([]);
    expect(await sim.vms()).toEqual([]);
  });

  it('two creates at once share one new adapter; each rollback leaves it to the other until the last', async () => {
    const driver = driverFor();
    const machines = await Promise.all(['par1', 'par2'].map((name) => configured(driver, name)));
    const errors = await Promise.all(
      machines.map((machine) => failure(driver.create({ machine, image }, recordingContext().context))),
    );
    expect(errors.map((error) => error.code)).not.toContain('Internal');
    expect(joined(await newCalls()).filter((call) => call === 'hostonlyif create')).toHaveLength(1);
    expect(await sim.leftovers()).toEqual([]);
  });

  it('a disk smaller than the image is refused before anything is made', async () => {
    const driver = driverFor();
    const machine = await configured(driver, 'small', { 'virtualbox-disk-size': 10 });
    const error = await failure(driver.create({ machine, image }, recordingContext().context));
    expect(error).toMatchObject({ code: 'InvalidFlag', data: { flag: 'virtualbox-disk-size' } });
    expect(error.message).toBe("--virtualbox-disk-size 10 MB is smaller than the image's disk (64 MB)");
    expect(joined(await newCalls()).filter((call) => !call.startsWith('showvminfo'))).toEqual([]);
    expect(await sim.leftovers()).toEqual([]);
  });

  it('a boot2docker ISO: copied in, the format-me disk converted, ISO on port 0 and disk on port 1', async () => {
    const driver = driverFor();
    const iso = join(store, 'boot2docker.iso');
    await writeFile(iso, Buffer.alloc(8192));
    const machine = await configured(driver, 'b2d', { 'virtualbox-boot2docker-url': `file://${iso}` });
    await failure(driver.create({ machine }, recordingContext().context));
    const m = machine.machineDir;
    const calls = joined(await newCalls());
    expect(calls.slice(0, 8)).toEqual([
      '--version',
      'list hostonlyifs',
      `convertfromraw ${m}/disk.raw ${m}/disk.vmdk --format VMDK`,
      `modifymedium disk ${m}/disk.vmdk --resize 20000`,
      'showvminfo b2d --machinereadable',
      `createvm --basefolder ${m} --name b2d --register`,
      expect.stringMatching(/^modifyvm b2d --firmware bios --ostype Linux26_64 .* --boot1 dvd --boot2 disk$/),
      'modifyvm b2d --nic1 nat --nictype1 82540EM --cableconnected1 on',
    ]);
    expect(calls).toContain(
      `storageattach b2d --storagectl SATA --port 0 --device 0 --type dvddrive --medium ${m}/boot2docker.iso`,
    );
    expect(calls).toContain(
      `storageattach b2d --storagectl SATA --port 1 --device 0 --type hdd --medium ${m}/disk.vmdk`,
    );
    expect(await sim.leftovers()).toEqual([]);
    await expect(access(join(m, 'boot2docker.iso'))).rejects.toThrow();
  });
});

describe('pre-create checks refuse, and nothing is made', () => {
  it('without VBoxManage: Docker Machine’s message', async () => {
    const driver = new VirtualBoxDriver({ env: { PATH: join(store, 'nothing-here') }, platform: 'linux' });
    const machine = await configured(driver, 'none');
    const error = await failure(driver.preCreateCheck({ machine }, recordingContext().context));
    expect(error.message).toBe('VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path');
  });

  it("Docker Machine's 192.168.99.1/24 without a networks.conf: the line to add is named", async () => {
    const driver = driverFor();
    const machine = await configured(driver, 'dm-cidr', { 'virtualbox-hostonly-cidr': '192.168.99.1/24' });
    const error = await failure(driver.preCreateCheck({ machine }, recordingContext().context));
    expect(error.code).toBe('InvalidFlag');
    expect(error.actions[0]).toBe(
      `To allow it, add the line "* 192.168.99.0/24" to ${sim.env().BERTH_VBOX_NETWORKS_CONF} (as root).`,
    );
    expect(joined(await newCalls())).toEqual(['--version', 'list hostonlyifs']);
  });

  it('a CIDR a host interface uses is refused; Berth’s default moves to a free /24 by itself', async () => {
    await writeFile(routes, routeTable([['wlan0', '192.168.59.0', 24]]));
    const driver = driverFor();
    const given = await configured(driver, 'given', { 'virtualbox-hostonly-cidr': '192.168.59.1/24' });
    // Equal to the default, but given: without a way to tell, it counts as the default.
    const { context, progress } = recordingContext();
    await driver.preCreateCheck({ machine: given }, context);
    const explicit = await configured(driver, 'explicit', { 'virtualbox-hostonly-cidr': '192.168.59.7/24' });
    const error = await failure(driver.preCreateCheck({ machine: explicit }, context));
    expect(error.message).toContain('overlaps 192.168.59.0/24 on wlan0');
    expect(error.actions).toEqual(['Choose a free network: --virtualbox-hostonly-cidr 192.168.57.1/24']);
    await failure(driver.create({ machine: given, image }, context));
    expect(progress.some((line) => line.endsWith('using 192.168.57.1/24 instead'))).toBe(true);
    expect(joined(await newCalls())).toContain(
      'hostonlyif ipconfig vboxnet0 --ip 192.168.57.1 --netmask 255.255.255.0',
    );
    expect(await sim.leftovers()).toEqual([]);
  });

  it('a VM of that name already in VirtualBox is not touched', async () => {
    await dockerMachineVm('taken', '192.168.59.1/24');
    const driver = driverFor();
    const machine = await configured(driver, 'taken');
    const error = await failure(
      driver.preCreateCheck({ machine: { ...machine, machineDir: join(store, 'other') } }, recordingContext().context),
    );
    expect(error.message).toBe('VirtualBox already has a VM named "taken"');
    expect((await sim.vms()).map((vm) => vm.name)).toEqual(['taken']);
  });

  it('the kernel module warning is its own error', async () => {
    await sim.setFaults({ kernelModuleMissing: true });
    const driver = driverFor();
    const machine = await configured(driver, 'kmod');
    const error = await failure(driver.preCreateCheck({ machine }, recordingContext().context));
    expect(error).toMatchObject({ code: 'NotSupported', name: 'VirtualBoxKernelModuleError' });
  });
});

describe('a machine docker-machine made', () => {
  it('is started, stopped, killed and removed as Docker Machine did, its adapter reused and left alone', async () => {
    // docker-machine's random server octet (1-24) is .2, Berth's choice, one time in twelve: pin another.
    const { machine, port } = await dockerMachineVm('dm-vbox', '192.168.99.1/24', 17);
    const driver = driverFor();
    const { context } = recordingContext();
    expect(await driver.getState({ machine })).toEqual({ state: 'Stopped' });
    await newCalls();
    // No guest answers SSH here: the start ends at the wait for it.
    await failure(driver.start({ machine }, context));
    const start = joined(await newCalls());
    expect(start.slice(0, 7)).toEqual([
      'showvminfo dm-vbox --machinereadable',
      'list hostonlyifs',
      'list dhcpservers',
      expect.stringMatching(
        /^dhcpserver modify --netname HostInterfaceNetworking-vboxnet0 --ip 192\.168\.99\.2 .* --enable$/,
      ),
      'modifyvm dm-vbox --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 vboxnet0 --cableconnected2 on',
      'modifyvm dm-vbox --natpf1 delete ssh',
      `modifyvm dm-vbox --natpf1 ssh,tcp,127.0.0.1,${port},,22`,
    ]);
    expect(start).toContain('startvm dm-vbox --type headless');
    expect(start.some((call) => call.startsWith('hostonlyif create'))).toBe(false);
    expect(await driver.getState({ machine })).toEqual({ state: 'Running' });

    const stopped = await driver.stop({ machine }, context);
    expect(stopped.driverConfig.IPAddress).toBe('');
    expect(await driver.getState({ machine })).toEqual({ state: 'Stopped' });
    // Killing a stopped VM is no error (docker/machine#2949).
    await driver.kill({ machine }, context);
    await newCalls();
    await driver.remove({ machine }, context);
    expect(joined(await newCalls())).toEqual([
      'showvminfo dm-vbox --machinereadable',
      'unregistervm --delete dm-vbox',
      'getextradata global Berth/HostOnlyAdapter/vboxnet0',
    ]);
    expect(await sim.vms()).toEqual([]);
    expect((await sim.hostOnlyAdapters()).map((adapter) => adapter.name)).toEqual(['vboxnet0']);
    expect(await sim.leftovers()).toEqual([]);
  });

  it('an adapter Berth makes is marked, shared, and removed with its DHCP server when its last VM goes', async () => {
    const one = await dockerMachineVm('one', '192.168.58.1/24');
    const two = await dockerMachineVm('two', '192.168.58.1/24');
    await vboxManage('hostonlyif', 'remove', 'vboxnet0');
    const driver = driverFor();
    const { context, progress } = recordingContext();
    await failure(driver.start({ machine: one.machine }, context));
    expect(progress).toContain('Found a new host-only adapter: "vboxnet0"');
    await failure(driver.start({ machine: two.machine }, context));
    const adapters = await sim.hostOnlyAdapters();
    expect(adapters).toEqual([expect.objectContaining({ name: 'vboxnet0', ip: '192.168.58.1', createdByBerth: true })]);
    await driver.remove({ machine: one.machine }, context);
    expect((await sim.hostOnlyAdapters()).map((adapter) => adapter.name)).toEqual(['vboxnet0']);
    await driver.remove({ machine: two.machine }, context);
    expect(await sim.hostOnlyAdapters()).toEqual([]);
    expect(await sim.leftovers()).toEqual([]);
  });
});

describe('state', () => {
  it('ls: the state of many machines from ONE list vms --long, answered again from it for a second', async () => {
    const machines = await Promise.all(
      ['ls1', 'ls2', 'ls3'].map(async (name) => (await dockerMachineVm(name, '192.168.58.1/24')).machine),
    );
    const driver = driverFor();
    await newCalls();
    const states = await Promise.all(machines.map((machine) => driver.getState({ machine })));
    expect(states).toEqual([{ state: 'Stopped' }, { state: 'Stopped' }, { state: 'Stopped' }]);
    const urls = await Promise.all(
      machines.map((machine) => failure(driver.getUrl({ machine }, recordingContext().context))),
    );
    expect(urls.map((error) => [error.code, error.message])).toEqual(
      Array(3).fill(['MachineNotRunning', 'Host is not running']),
    );
    expect(joined(await newCalls())).toEqual(['list vms --long']);
    // One machine alone: one showvminfo.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await driver.getState({ machine: machines[0] as MachineContext })).toEqual({ state: 'Stopped' });
    expect(joined(await newCalls())).toEqual(['showvminfo ls1 --machinereadable']);
  });

  it('a machine whose VM is gone: machine does not exist', async () => {
    const driver = driverFor();
    const error = await failure(driver.getState({ machine: machineIn(store, 'ghost') }));
    expect(error.message).toMatch(/^machine does not exist/);
  });
});

describe('VBoxManage results', () => {
  it('`The object is not ready` is run again (5 runs in all at most)', async () => {
    await sim.setFaults({ objectNotReady: 2 });
    const driver = driverFor();
    await driver.preCreateCheck({ machine: await configured(driver, 'retry') }, recordingContext().context);
    expect(joined(await newCalls()).slice(0, 3)).toEqual(['--version', '--version', '--version']);
  });

  it('an error on stderr is a failure even with exit status 0, and carries argv and stderr', async () => {
    await sim.setFaults({ fatalErrorExitZero: true });
    const { machine } = await dockerMachineVm('exit0', '192.168.58.1/24');
    const driver = driverFor();
    const error = await failure(driver.stop({ machine }, recordingContext().context));
    expect(error.message).toMatch(
      / controlvm exit0 acpipowerbutton failed:\nVBoxManage: error: Machine 'exit0' is not currently running/,
    );
    expect(error.data).toMatchObject({
      argv: expect.arrayContaining(['controlvm', 'exit0', 'acpipowerbutton']),
      exitCode: 0,
    });
  });

  it('VirtualBox’s own text when it cannot create an adapter', async () => {
    const { machine } = await dockerMachineVm('noadp', '192.168.58.1/24');
    await vboxManage('hostonlyif', 'remove', 'vboxnet0');
    await sim.setFaults({ hostonlyifCreateFails: true });
    const error = await failure(driverFor().start({ machine }, recordingContext().context));
    expect(error.message).toMatch(/^VirtualBox could not create a host-only adapter: .*hostonlyif create failed:\n/);
    expect(error.message).toContain('Failed to create the host-only adapter');
    expect(error.actions[0]).toContain('vboxnetadp');
  });

  it('no VT-x: the start fails with what to do', async () => {
    await sim.setFaults({ vtxMissing: true });
    const { machine } = await dockerMachineVm('novtx', '192.168.58.1/24');
    const error = await failure(driverFor().start({ machine }, recordingContext().context));
    expect(error).toMatchObject({
      code: 'NotSupported',
      message: "This computer doesn't have VT-X/AMD-v enabled. Enabling it in the BIOS is mandatory",
    });
    expect(error.actions[0]).toMatch(/BIOS\/UEFI/);
  });

  it('a guest that ignores ACPI: stop gives up when told to, naming kill', async () => {
    const { machine } = await dockerMachineVm('stubborn', '192.168.58.1/24');
    const driver = driverFor({ [STOP_TIMEOUT_ENV]: '1' });
    await failure(driver.start({ machine }, recordingContext().context));
    await sim.setFaults({ ignoreAcpi: true });
    const error = await failure(driver.stop({ machine }, recordingContext().context));
    expect(error.code).toBe('Timeout');
    expect(error.actions[0]).toContain('berth kill stubborn');
    await driver.kill({ machine }, recordingContext().context);
    expect(await driver.getState({ machine })).toEqual({ state: 'Stopped' });
  });
});
