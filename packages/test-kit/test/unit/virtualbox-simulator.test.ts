// The VBoxManage simulator without guests: every grammar area through the real executable.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOOT2DOCKER_MAGIC, isBoot2DockerDisk } from '../../src/simulators/guest/index.js';
import { startVirtualBoxSimulator, type VirtualBoxSimulator } from '../../src/simulators/virtualbox/index.js';
import {
  attachHostOnly,
  createCloudVm,
  infoValue,
  machineReadable,
  vbox,
  vboxOk,
} from './virtualbox-simulator-support.js';

let work: string;
const sims: VirtualBoxSimulator[] = [];

async function sim(options: Parameters<typeof startVirtualBoxSimulator>[0] = {}): Promise<VirtualBoxSimulator> {
  const started = await startVirtualBoxSimulator({ guests: false, ...options });
  sims.push(started);
  return started;
}

async function disk(name = 'disk.vmdk'): Promise<string> {
  const path = join(work, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(path, 'not a real disk');
  return path;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-vbox-unit-'));
});

afterEach(async () => {
  for (const started of sims.splice(0)) await started.close();
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const NOT_FOUND = (name: string) => [
  `VBoxManage: error: Could not find a registered machine named '${name}'`,
  'VBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
];

describe('VBoxManage simulator: version and syntax', () => {
  it('answers --version with the personality, last line after a kernel-module warning', async () => {
    const s = await sim();
    expect((await vboxOk(s, ['--version'])).stdout).toBe('7.0.20r163906\n');
    const old = await sim({ version: '6.1.26r145957' });
    expect((await vboxOk(old, ['--version'])).stdout).toBe('6.1.26r145957\n');
    await old.setFaults({ kernelModuleMissing: true });
    const warned = await vboxOk(old, ['--version']);
    expect(warned.lines[0]).toBe('WARNING: The vboxdrv kernel module is not loaded. Either there is no module');
    expect(warned.lines.filter((line) => line.trim()).at(-1)).toBe('6.1.26r145957');
  });

  it('exits 2 with a usage text on syntax errors', async () => {
    const s = await sim();
    const unknown = await vbox(s, ['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Usage:\n/);
    expect(unknown.stderr).toContain("VBoxManage: error: Invalid command 'frobnicate'");
    const noName = await vbox(s, ['createvm', '--register']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('VBoxManage createvm --name=name');
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', `syn-${Date.now()}`, '--register']);
    const vms = await s.vms();
    const badOption = await vbox(s, ['modifyvm', vms[0]?.name ?? '', '--bogus', 'on']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('VBoxManage: error: Unknown option: --bogus');
    const badList = await vbox(s, ['list', 'everything']);
    expect(badList.code).toBe(2);
  });
});

describe('VBoxManage simulator: VMs', () => {
  it('creates, registers and keeps VMs across invocations', async () => {
    const s = await sim();
    const base = join(work, 'create');
    const created = await vboxOk(s, ['createvm', '--basefolder', base, '--name', 'alpha', '--register']);
    expect(created.lines[0]).toBe("Virtual machine 'alpha' is created and registered.");
    const uuid = /^UUID: ([0-9a-f-]{36})$/.exec(created.lines[1] ?? '')?.[1];
    expect(uuid).toBeDefined();
    expect(created.lines[2]).toBe(`Settings file: '${join(base, 'alpha', 'alpha.vbox')}'`);
    expect((await stat(join(base, 'alpha', 'alpha.vbox'))).isFile()).toBe(true);
    expect((await vboxOk(s, ['list', 'vms'])).lines).toEqual([`"alpha" {${uuid}}`]);
    const again = await vbox(s, ['createvm', '--basefolder', base, '--name', 'alpha', '--register']);
    expect(again.code).toBe(1);
    expect(again.stderr.split('\n')[0]).toBe(
      `VBoxManage: error: Machine settings file '${join(base, 'alpha', 'alpha.vbox')}' already exists`,
    );
    const byUuid = await vboxOk(s, ['showvminfo', `{${uuid}}`, '--machinereadable']);
    expect(infoValue(byUuid.lines, 'name')).toBe('alpha');
  });

  it('renders showvminfo --machinereadable in VirtualBox key order with the settings made', async () => {
    const s = await sim();
    const machineDir = join(work, 'order');
    const hdd = await disk();
    await createCloudVm(s, { name: 'ordered', machineDir, disk: hdd, cpus: 2, memory: 2048 });
    await vboxOk(s, ['modifyvm', 'ordered', '--natpf1', 'ssh,tcp,127.0.0.1,40022,,22']);
    const info = await vboxOk(s, ['showvminfo', 'ordered', '--machinereadable']);
    const keys = machineReadable(info.lines).map(([key]) => key);
    const sampleOrder = [
      'name',
      'groups',
      'ostype',
      'UUID',
      'CfgFile',
      'SnapFldr',
      'LogFldr',
      'hardwareuuid',
      'memory',
      'vram',
      'cpus',
      'boot1',
      'acpi',
      'VMState',
      'VMStateChangeTime',
      'storagecontrollername0',
      'SATA-0-0',
      'SATA-ImageUUID-0-0',
      'natnet1',
      'macaddress1',
      'nic1',
      'Forwarding(0)',
      'nic2',
    ];
    const positions = sampleOrder.map((key) => keys.indexOf(key));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(info.lines[0]).toBe('name="ordered"');
    expect(info.lines).toContain('ostype="Debian (64-bit)"');
    expect(info.lines).toContain(`CfgFile="${join(machineDir, 'ordered', 'ordered.vbox')}"`);
    expect(info.lines).toContain(`LogFldr="${join(machineDir, 'ordered', 'Logs')}"`);
    expect(info.lines).toContain('memory=2048');
    expect(info.lines).toContain('cpus=2');
    expect(info.lines).toContain('VMState="poweroff"');
    expect(info.lines).toContain(`"SATA-0-0"="${hdd}"`);
    expect(info.lines).toContain('Forwarding(0)="ssh,tcp,127.0.0.1,40022,,22"');
    expect(info.lines).toContain('nic2="none"');
    expect(infoValue(info.lines, 'macaddress1')).toMatch(/^080027[0-9A-F]{6}$/);
    expect(infoValue(info.lines, 'VMStateChangeTime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}$/);
  });

  it('answers the not-found error for every command on an unknown VM', async () => {
    const s = await sim();
    for (const args of [
      ['showvminfo', 'ghost', '--machinereadable'],
      ['modifyvm', 'ghost', '--cpus', '2'],
      ['startvm', 'ghost', '--type', 'headless'],
      ['controlvm', 'ghost', 'poweroff'],
      ['unregistervm', '--delete', 'ghost'],
    ]) {
      const result = await vbox(s, args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr.split('\n').slice(0, 2)).toEqual(NOT_FOUND('ghost'));
      expect(result.stdout).toBe('');
    }
  });

  it('lists VMs long with Name, UUID and State lines', async () => {
    const s = await sim();
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', `long-a-${Date.now()}`, '--register']);
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', `long-b-${Date.now()}`, '--register']);
    const [a] = await s.vms();
    await vboxOk(s, ['startvm', a?.name ?? '', '--type', 'headless']);
    const listed = await vboxOk(s, ['list', 'vms', '--long']);
    const blocks = listed.stdout.split('\n\n');
    expect(blocks).toHaveLength(2);
    const states = listed.lines.filter((line) => line.startsWith('State:'));
    expect(states[0]).toMatch(/^State: +running \(since \d{4}-\d\d-\d\dT[\d:.]+\)$/);
    expect(states[1]).toMatch(/^State: +powered off \(since /);
    expect(listed.lines.filter((line) => /^Name: +long-/.test(line))).toHaveLength(2);
    expect(listed.lines.filter((line) => /^UUID: +[0-9a-f-]{36}$/.test(line))).toHaveLength(2);
  });
});

describe('VBoxManage simulator: state machine', () => {
  it('enforces the locked and mutable rules', async () => {
    const s = await sim();
    await createCloudVm(s, { name: 'locky', machineDir: join(work, 'locky'), disk: await disk() });
    const off = await vbox(s, ['controlvm', 'locky', 'poweroff']);
    expect(off.stderr.trim()).toBe("VBoxManage: error: Machine 'locky' is not currently running");
    expect(off.code).toBe(1);
    const started = await vboxOk(s, ['startvm', 'locky', '--type', 'headless']);
    expect(started.lines).toEqual([
      'Waiting for VM "locky" to power on...',
      'VM "locky" has been successfully started.',
    ]);
    const log = await readFile(join(work, 'locky', 'locky', 'Logs', 'VBox.log'), 'utf8');
    expect(log).toContain('VM Name: locky');
    for (const args of [
      ['modifyvm', 'locky', '--cpus', '2'],
      ['storagectl', 'locky', '--name', 'IDE', '--add', 'ide'],
      ['sharedfolder', 'add', 'locky', '--name', 'x', '--hostpath', '/tmp'],
    ]) {
      const locked = await vbox(s, args);
      expect(locked.code, args.join(' ')).toBe(1);
      expect(locked.stderr.split('\n')[0]).toBe(
        "VBoxManage: error: The machine 'locky' is already locked for a session (or being unlocked)",
      );
    }
    const twice = await vbox(s, ['startvm', 'locky']);
    expect(twice.stderr).toContain(
      "VBoxManage: error: The machine 'locky' is already locked by a session (or being locked or unlocked)",
    );
    const busy = await vbox(s, ['unregistervm', 'locky', '--delete']);
    expect(busy.code).toBe(1);
    await vboxOk(s, ['controlvm', 'locky', 'pause']);
    expect(infoValue((await vboxOk(s, ['showvminfo', 'locky', '--machinereadable'])).lines, 'VMState')).toBe('paused');
    await vboxOk(s, ['controlvm', 'locky', 'resume', '--type', 'headless']);
    const saved = await vboxOk(s, ['controlvm', 'locky', 'savestate']);
    expect(saved.stderr).toContain('100%');
    expect(infoValue((await vboxOk(s, ['showvminfo', 'locky', '--machinereadable'])).lines, 'VMState')).toBe('saved');
    const nic = await vbox(s, ['modifyvm', 'locky', '--nic2', 'hostonly']);
    expect(nic.stderr.split('\n')[0]).toBe('VBoxManage: error: The machine is not mutable (state is Saved)');
    await vboxOk(s, ['modifyvm', 'locky', '--natpf1', 'ssh,tcp,127.0.0.1,40100,,22']);
    const prop = await vbox(s, ['guestproperty', 'set', 'locky', '/a', 'b']);
    expect(prop.stderr.split('\n')[0]).toBe('VBoxManage: error: The machine is not mutable (state is Saved)');
    const acpi = await vbox(s, ['controlvm', 'locky', 'acpipowerbutton']);
    expect(acpi.stderr.trim()).toBe("VBoxManage: error: Machine 'locky' is not currently running");
    await vboxOk(s, ['startvm', 'locky', '--type', 'headless']);
    await vboxOk(s, ['controlvm', 'locky', 'poweroff']);
    const [vm] = await s.vms();
    expect(vm?.state).toBe('poweroff');
    expect(vm?.natRules.map((rule) => rule.hostPort)).toEqual([40100]);
  });

  it('powers off after an ACPI press, unless the guest ignores it', async () => {
    const s = await sim({ acpiDelayMs: 400 });
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', `acpi-${Date.now()}`, '--register']);
    const [vm] = await s.vms();
    const name = vm?.name ?? '';
    await vboxOk(s, ['startvm', name]);
    await vboxOk(s, ['controlvm', name, 'acpipowerbutton']);
    expect(infoValue((await vboxOk(s, ['showvminfo', name, '--machinereadable'])).lines, 'VMState')).toBe('running');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(infoValue((await vboxOk(s, ['showvminfo', name, '--machinereadable'])).lines, 'VMState')).toBe('poweroff');
    await s.setFaults({ ignoreAcpi: true });
    await vboxOk(s, ['startvm', name]);
    await vboxOk(s, ['controlvm', name, 'acpipowerbutton']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(infoValue((await vboxOk(s, ['showvminfo', name, '--machinereadable'])).lines, 'VMState')).toBe('running');
  });

  it('fails startvm without VT-x, with the VBox.log lines, and can exit 0 on it', async () => {
    const s = await sim();
    const machineDir = join(work, 'novtx');
    await createCloudVm(s, { name: 'novtx', machineDir, disk: await disk() });
    await s.setFaults({ vtxMissing: true });
    const failed = await vbox(s, ['startvm', 'novtx', '--type', 'headless']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('Waiting for VM "novtx" to power on...\n');
    expect(failed.stderr.split('\n')[0]).toBe(
      "VBoxManage: error: The virtual machine 'novtx' has terminated unexpectedly during startup with exit code 1 (0x1)",
    );
    const log = await readFile(join(machineDir, 'novtx', 'Logs', 'VBox.log'), 'utf8');
    expect(log).toMatch(/Power up failed \(vrc=VERR_VMX_NO_VMX, rc=NS_ERROR_FAILURE \(0X80004005\)\)/);
    expect((await s.vms())[0]?.state).toBe('poweroff');
    await s.setFaults({ fatalErrorExitZero: true });
    const zero = await vbox(s, ['startvm', 'novtx', '--type', 'headless']);
    expect(zero.code).toBe(0);
    expect(zero.stderr).toContain('error: The virtual machine');
  });

  it('answers "The object is not ready" to the first k calls, changing nothing', async () => {
    const s = await sim();
    await s.setFaults({ objectNotReady: 2 });
    const name = `notready-${Date.now()}`;
    for (let i = 0; i < 2; i += 1) {
      const result = await vbox(s, ['createvm', '--basefolder', work, '--name', name, '--register']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('VBoxManage: error: The object is not ready\n');
    }
    expect(await s.vms()).toEqual([]);
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', name, '--register']);
    expect((await s.vms()).map((vm) => vm.name)).toEqual([name]);
    const calls = await s.calls();
    expect(calls.map((call) => call.exitCode)).toEqual([1, 1, 0]);
    expect(calls[0]?.tool).toBe('VBoxManage');
    expect(calls[0]?.argv).toEqual(['createvm', '--basefolder', work, '--name', name, '--register']);
  });

  it('keeps NAT rules unique and fails deleting a missing one', async () => {
    const s = await sim();
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', `nat-${Date.now()}`, '--register']);
    const [vm] = await s.vms();
    const name = vm?.name ?? '';
    const missing = await vbox(s, ['modifyvm', name, '--natpf1', 'delete', 'ssh']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error:');
    await vboxOk(s, ['modifyvm', name, '--natpf1', 'ssh,tcp,127.0.0.1,40200,,22']);
    const duplicate = await vbox(s, ['modifyvm', name, '--natpf1', 'ssh,tcp,127.0.0.1,40201,,22']);
    expect(duplicate.stderr.split('\n')[0]).toBe('VBoxManage: error: A NAT rule of this name already exists');
    await vboxOk(s, ['modifyvm', name, '--nat-pf1', 'delete', 'ssh']);
    expect((await s.vms())[0]?.natRules).toEqual([]);
  });
});

describe('VBoxManage simulator: host-only adapters and DHCP servers', () => {
  it('creates vboxnetN adapters with the observed defaults', async () => {
    const s = await sim();
    const first = await vboxOk(s, ['hostonlyif', 'create']);
    expect(first.stdout).toBe("Interface 'vboxnet0' was successfully created\n");
    expect(first.stderr).toBe('0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\n');
    await vboxOk(s, ['hostonlyif', 'create']);
    const listed = await vboxOk(s, ['list', 'hostonlyifs']);
    expect(listed.stdout.split('\n\n')[0]?.split('\n')).toEqual([
      'Name:            vboxnet0',
      'GUID:            786f6276-656e-4074-8000-0a0027000000',
      'DHCP:            Disabled',
      'IPAddress:       192.168.56.1',
      'NetworkMask:     255.255.255.0',
      'IPV6Address:     ',
      'IPV6NetworkMaskPrefixLength: 0',
      'HardwareAddress: 0a:00:27:00:00:00',
      'MediumType:      Ethernet',
      'Wireless:        No',
      'Status:          Down',
      'VBoxNetworkName: HostInterfaceNetworking-vboxnet0',
    ]);
    expect(listed.lines).toContain('GUID:            786f6276-656e-4174-8000-0a0027000001');
    expect(listed.lines).toContain('IPAddress:       192.168.57.1');
    expect(listed.stdout.endsWith('HostInterfaceNetworking-vboxnet1\n\n')).toBe(true);
    await vboxOk(s, ['hostonlyif', 'remove', 'vboxnet0']);
    expect((await s.hostOnlyAdapters()).map((a) => a.name)).toEqual(['vboxnet1']);
    await s.setFaults({ hostonlyifCreateFails: true });
    const failed = await vbox(s, ['hostonlyif', 'create']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('VBoxManage: error: Failed to create the host-only adapter');
    expect(failed.stderr.startsWith('0%...\nProgress state: NS_ERROR_FAILURE\n')).toBe(true);
  });

  it('enforces networks.conf on ipconfig (absent file: 192.168.56.0/21 only)', async () => {
    const absent = await sim();
    await vboxOk(absent, ['hostonlyif', 'create']);
    const denied = await vbox(absent, [
      'hostonlyif',
      'ipconfig',
      'vboxnet0',
      '--ip',
      '192.168.99.1',
      '--netmask',
      '255.255.255.0',
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr.split('\n').slice(0, 2)).toEqual([
      'VBoxManage: error: Code E_ACCESSDENIED (0x80070005) - Access denied (extended info not available)',
      'VBoxManage: error: Context: "EnableStaticIPConfig(Bstr(pszIp).raw(), Bstr(pszNetmask).raw())" at line 242 of file VBoxManageHostonly.cpp',
    ]);
    await vboxOk(absent, ['hostonlyif', 'ipconfig', 'vboxnet0', '--ip', '192.168.59.1', '--netmask', '255.255.255.0']);
    expect((await absent.hostOnlyAdapters())[0]?.ip).toBe('192.168.59.1');

    const open = await sim({ networksConf: '# everything\n* 0.0.0.0/0 ::/0\n' });
    await vboxOk(open, ['hostonlyif', 'create']);
    await vboxOk(open, ['hostonlyif', 'ipconfig', 'vboxnet0', '--ip', '192.168.99.1', '--netmask', '255.255.255.0']);

    const tens = await sim({ networksConf: '* 10.0.0.0/8\n' });
    await vboxOk(tens, ['hostonlyif', 'create']);
    expect((await vbox(tens, ['hostonlyif', 'ipconfig', 'vboxnet0', '--ip', '192.168.59.1'])).code).toBe(1);
    await vboxOk(tens, ['hostonlyif', 'ipconfig', 'vboxnet0', '--ip', '10.9.8.1', '--netmask', '255.255.255.0']);

    const old = await sim({ version: '6.1.26r145957' });
    await vboxOk(old, ['hostonlyif', 'create']);
    await vboxOk(old, ['hostonlyif', 'ipconfig', 'vboxnet0', '--ip', '192.168.99.1', '--netmask', '255.255.255.0']);
  });

  it('lists DHCP servers in the format of the version', async () => {
    const add = ['dhcpserver', 'add', '--netname', 'HostInterfaceNetworking-vboxnet0', '--ip', '192.168.99.6'];
    const rest = [
      '--netmask',
      '255.255.255.0',
      '--lowerip',
      '192.168.99.100',
      '--upperip',
      '192.168.99.254',
      '--enable',
    ];
    const modern = await sim();
    await vboxOk(modern, [...add, ...rest]);
    expect((await vboxOk(modern, ['list', 'dhcpservers'])).lines.slice(0, 7)).toEqual([
      'NetworkName:    HostInterfaceNetworking-vboxnet0',
      'Dhcpd IP:       192.168.99.6',
      'LowerIPAddress: 192.168.99.100',
      'UpperIPAddress: 192.168.99.254',
      'NetworkMask:    255.255.255.0',
      'Enabled:        Yes',
      'Global Configuration:',
    ]);
    const duplicate = await vbox(modern, [...add, ...rest]);
    expect(duplicate.stderr.split('\n')[0]).toBe('VBoxManage: error: DHCP server already exists');
    const missing = await vbox(modern, [
      'dhcpserver',
      'modify',
      '--netname',
      'HostInterfaceNetworking-vboxnet9',
      '--disable',
    ]);
    expect(missing.stderr.split('\n')[0]).toBe('VBoxManage: error: DHCP server does not exist');
    await vboxOk(modern, [
      'dhcpserver',
      'modify',
      '--netname',
      'HostInterfaceNetworking-vboxnet0',
      '--lower-ip',
      '192.168.99.150',
      '--disable',
    ]);
    const after = (await vboxOk(modern, ['list', 'dhcpservers'])).lines;
    expect(after).toContain('LowerIPAddress: 192.168.99.150');
    expect(after).toContain('Enabled:        No');

    const legacy = await sim({ version: '5.2.44r139111' });
    await vboxOk(legacy, [...add, ...rest]);
    expect((await vboxOk(legacy, ['list', 'dhcpservers'])).lines).toEqual([
      'NetworkName:    HostInterfaceNetworking-vboxnet0',
      'IP:             192.168.99.6',
      'NetworkMask:    255.255.255.0',
      'lowerIPAddress: 192.168.99.100',
      'upperIPAddress: 192.168.99.254',
      'Enabled:        Yes',
    ]);
    await vboxOk(legacy, ['dhcpserver', 'remove', '--netname', 'HostInterfaceNetworking-vboxnet0']);
    expect((await vboxOk(legacy, ['list', 'dhcpservers'])).stdout).toBe('');
  });

  it('speaks the Windows personality: .exe prefix, CRLF, adapter names', async () => {
    const s = await sim({ platform: 'windows' });
    const created = await vboxOk(s, ['hostonlyif', 'create']);
    expect(created.stdout).toBe("Interface 'VirtualBox Host-Only Ethernet Adapter' was successfully created\r\n");
    const second = await vboxOk(s, ['hostonlyif', 'create']);
    expect(second.stdout).toContain("'VirtualBox Host-Only Ethernet Adapter #2'");
    const missing = await vbox(s, ['showvminfo', 'ghost']);
    expect(
      missing.stderr.startsWith("VBoxManage.exe: error: Could not find a registered machine named 'ghost'\r\n"),
    ).toBe(true);
    // Windows hosts have no networks.conf restriction.
    await vboxOk(s, ['hostonlyif', 'ipconfig', 'VirtualBox Host-Only Ethernet Adapter', '--ip', '192.168.99.1']);
  });
});

describe('VBoxManage simulator: media, extradata, removal', () => {
  it('clones, converts and resizes media with progress on stderr', async () => {
    const s = await sim();
    const dir = join(work, 'media');
    await mkdir(dir, { recursive: true });
    const qcow = join(dir, 'base.qcow2');
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x514649fb, 0);
    header.writeBigUInt64BE(BigInt(2048 * 1048576), 24);
    await writeFile(qcow, header);
    const clone = await vboxOk(s, ['clonemedium', 'disk', qcow, join(dir, 'disk.vmdk'), '--format', 'VMDK']);
    expect(clone.stdout).toMatch(/^Clone medium created in format 'VMDK'\. UUID: [0-9a-f-]{36}\n$/);
    expect(clone.stderr).toContain('100%');
    const hdds = await vboxOk(s, ['list', 'hdds']);
    expect(hdds.lines).toContain(`Location:       ${join(dir, 'disk.vmdk')}`);
    expect(hdds.lines).toContain('Capacity:       2048 MBytes');
    const resized = await vboxOk(s, ['modifymedium', 'disk', join(dir, 'disk.vmdk'), '--resize', '20000']);
    expect(resized.stderr).toContain('100%');
    expect((await vboxOk(s, ['list', 'hdds'])).lines).toContain('Capacity:       20000 MBytes');
    const missing = await vbox(s, ['clonemedium', 'disk', join(dir, 'nope.qcow2'), join(dir, 'x.vmdk')]);
    expect(missing.stderr.split('\n')[0]).toBe(
      `VBoxManage: error: Could not find file for the medium '${join(dir, 'nope.qcow2')}' (VERR_FILE_NOT_FOUND)`,
    );

    // docker-machine's disk: a b2d tar then zeros, through stdin, exactly <bytes> long.
    const tar = await import('node:child_process').then(({ execFileSync }) => {
      const src = join(dir, 'tar-src');
      execFileSync('sh', [
        '-c',
        `mkdir -p "${src}/.ssh" && printf '%s' '${BOOT2DOCKER_MAGIC}' > "${src}/${BOOT2DOCKER_MAGIC}" && echo 'ssh-rsa AAAA test' > "${src}/.ssh/authorized_keys"`,
      ]);
      return execFileSync('tar', ['-C', src, '-c', BOOT2DOCKER_MAGIC, '.ssh', '.ssh/authorized_keys']);
    });
    const size = 4 * 1048576;
    const stream = Buffer.concat([tar, Buffer.alloc(size - tar.length)]);
    const target = join(dir, 'b2d.vmdk');
    const converted = await vboxOk(s, ['convertfromraw', 'stdin', target, String(size), '--format', 'VMDK'], stream);
    expect(converted.lines).toEqual([
      `Converting from raw image file="stdin" to file="${target}"...`,
      `Creating dynamic image with size ${size} bytes (4MB)...`,
    ]);
    expect(await isBoot2DockerDisk(target)).toBe(true);
    const raw = join(dir, 'disk.raw');
    await writeFile(raw, stream);
    const fromFile = await vboxOk(s, ['convertfromraw', raw, join(dir, 'b2d2.vmdk'), '--format', 'VMDK']);
    expect(fromFile.lines[0]).toBe(`Converting from raw image file="${raw}" to file="${join(dir, 'b2d2.vmdk')}"...`);
  });

  it('reads and deletes extradata and guest properties', async () => {
    const s = await sim();
    expect((await vboxOk(s, ['getextradata', 'global', 'Berth/HostOnlyAdapter/vboxnet0'])).stdout).toBe(
      'No value set!\n',
    );
    await vboxOk(s, ['setextradata', 'global', 'Berth/HostOnlyAdapter/vboxnet0', 'created']);
    expect((await vboxOk(s, ['getextradata', 'global', 'Berth/HostOnlyAdapter/vboxnet0'])).stdout).toBe(
      'Value: created\n',
    );
    await vboxOk(s, ['setextradata', 'global', 'Berth/HostOnlyAdapter/vboxnet0']);
    expect((await vboxOk(s, ['getextradata', 'global', 'Berth/HostOnlyAdapter/vboxnet0'])).stdout).toBe(
      'No value set!\n',
    );
    await vboxOk(s, ['createvm', '--basefolder', work, '--name', `props-${Date.now()}`, '--register']);
    const name = (await s.vms())[0]?.name ?? '';
    await vboxOk(s, ['guestproperty', 'set', name, '/VirtualBox/GuestAdd/SharedFolders/MountPrefix', '/']);
    expect(
      (await vboxOk(s, ['guestproperty', 'get', name, '/VirtualBox/GuestAdd/SharedFolders/MountPrefix'])).stdout,
    ).toBe('Value: /\n');
    expect((await vboxOk(s, ['guestproperty', 'get', name, '/VirtualBox/GuestInfo/Net/1/V4/IP'])).stdout).toBe(
      'No value set!\n',
    );
  });

  it("runs the contract's create, start and remove with nothing left", async () => {
    const s = await sim();
    const machineDir = join(work, 'contract', 'web');
    await mkdir(machineDir, { recursive: true });
    const hdd = join(machineDir, 'disk.vmdk');
    await writeFile(hdd, 'disk');
    const seed = join(machineDir, 'seed.iso');
    await writeFile(seed, 'seed');
    await createCloudVm(s, { name: 'web', machineDir, disk: hdd, seed });
    await vboxOk(s, ['guestproperty', 'set', 'web', '/VirtualBox/GuestAdd/SharedFolders/MountPrefix', '/']);
    await vboxOk(s, ['sharedfolder', 'add', 'web', '--name', 'hosthome', '--hostpath', '/home', '--automount']);
    await vboxOk(s, ['setextradata', 'web', 'VBoxInternal2/SharedFoldersEnableSymlinksCreate/hosthome', '1']);
    const adapter = await attachHostOnly(s, 'web', '192.168.59.1');
    await vbox(s, ['modifyvm', 'web', '--natpf1', 'delete', 'ssh']);
    await vboxOk(s, ['modifyvm', 'web', '--natpf1', 'ssh,tcp,127.0.0.1,40300,,22']);
    await vboxOk(s, ['startvm', 'web', '--type', 'headless']);
    const info = (await vboxOk(s, ['showvminfo', 'web', '--machinereadable'])).lines;
    expect(infoValue(info, 'hostonlyadapter2')).toBe(adapter);
    expect((await vboxOk(s, ['list', 'hostonlyifs'])).lines).toContain('Status:          Up');
    const leftoversRunning = await s.leftovers();
    expect(leftoversRunning.some((line) => line.includes('registered VM "web"'))).toBe(true);
    // Remove, as the contract's driver does it.
    await vboxOk(s, ['controlvm', 'web', 'poweroff']);
    const removed = await vboxOk(s, ['unregistervm', '--delete', 'web']);
    expect(removed.stderr).toContain('100%');
    expect((await vboxOk(s, ['getextradata', 'global', `Berth/HostOnlyAdapter/${adapter}`])).stdout).toBe(
      'Value: created\n',
    );
    expect((await vboxOk(s, ['list', 'vms'])).stdout).toBe('');
    await vboxOk(s, ['dhcpserver', 'remove', '--netname', `HostInterfaceNetworking-${adapter}`]);
    await vboxOk(s, ['hostonlyif', 'remove', adapter]);
    await vboxOk(s, ['setextradata', 'global', `Berth/HostOnlyAdapter/${adapter}`]);
    expect(await s.leftovers()).toEqual([]);
    await expect(stat(hdd)).rejects.toThrow();
    await expect(stat(join(machineDir, 'web', 'web.vbox'))).rejects.toThrow();
    expect((await stat(seed)).isFile()).toBe(true);
  });

  it('serialises concurrent invocations on the registry lock', async () => {
    const s = await sim();
    const names = Array.from({ length: 6 }, (_, i) => `para-${i}`);
    const base = join(work, 'para');
    const results = await Promise.all(
      names.map((name) => vbox(s, ['createvm', '--basefolder', base, '--name', name, '--register'])),
    );
    expect(results.map((result) => result.code)).toEqual(names.map(() => 0));
    const listed = (await vboxOk(s, ['list', 'vms'])).lines.map((line) => /^"(.+)" \{/.exec(line)?.[1]).sort();
    expect(listed).toEqual(names);
    expect((await s.calls()).length).toBe(names.length + 1);
  });
});
