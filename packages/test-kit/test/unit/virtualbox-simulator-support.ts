// Runs the simulator's real VBoxManage executable (bin/VBoxManage over the compiled entry).
import { join } from 'node:path';
import { type CommandResult, runCommand } from '../../src/engine/run-command.js';
import type { VirtualBoxSimulator } from '../../src/simulators/virtualbox/index.js';

export interface VBoxRun extends CommandResult {
  lines: string[];
}

export async function vbox(sim: VirtualBoxSimulator, args: string[], input?: string | Buffer): Promise<VBoxRun> {
  const result = await runCommand(join(sim.binDir, 'VBoxManage'), args, {
    env: { ...process.env, ...sim.env() },
    ...(input === undefined ? {} : { input }),
  });
  return { ...result, lines: result.stdout.split(/\r?\n/).filter((line, i, all) => line !== '' || i < all.length - 1) };
}

/** Like vbox, but throws with the output unless it exits 0. */
export async function vboxOk(sim: VirtualBoxSimulator, args: string[], input?: string | Buffer): Promise<VBoxRun> {
  const result = await vbox(sim, args, input);
  if (result.code !== 0) throw new Error(`VBoxManage ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result;
}

/** `key=value` lines of showvminfo --machinereadable as [key, value] in order, quotes removed. */
export function machineReadable(lines: string[]): Array<[string, string]> {
  return lines.map((line) => {
    const equals = line.search(/=(?=[^=]*$)|="/);
    const key = line.slice(0, equals).replace(/^"|"$/g, '');
    const value = line.slice(equals + 1).replace(/^"|"$/g, '');
    return [key, value];
  });
}

export function infoValue(lines: string[], key: string): string | undefined {
  return machineReadable(lines).find(([k]) => k === key)?.[1];
}

/** The calls the contract's Create makes for a cloud-image VM (guests or not). */
export async function createCloudVm(
  sim: VirtualBoxSimulator,
  options: { name: string; machineDir: string; disk: string; seed?: string; cpus?: number; memory?: number },
): Promise<void> {
  const { name, machineDir } = options;
  await vboxOk(sim, ['createvm', '--basefolder', machineDir, '--name', name, '--register']);
  await vboxOk(sim, [
    'modifyvm',
    name,
    '--firmware',
    'bios',
    '--ostype',
    'Debian_64',
    '--cpus',
    String(options.cpus ?? 1),
    '--memory',
    String(options.memory ?? 1024),
    '--acpi',
    'on',
    '--ioapic',
    'on',
    '--rtcuseutc',
    'on',
    '--natdnshostresolver1',
    'off',
    '--natdnsproxy1',
    'on',
    '--cpuhotplug',
    'off',
    '--pae',
    'on',
    '--hpet',
    'on',
    '--hwvirtex',
    'on',
    '--nestedpaging',
    'on',
    '--largepages',
    'on',
    '--vtxvpid',
    'on',
    '--accelerate3d',
    'off',
    '--boot1',
    'disk',
    '--boot2',
    'dvd',
  ]);
  await vboxOk(sim, ['modifyvm', name, '--nic1', 'nat', '--nictype1', '82540EM', '--cableconnected1', 'on']);
  await vboxOk(sim, ['storagectl', name, '--name', 'SATA', '--add', 'sata', '--hostiocache', 'on']);
  await vboxOk(sim, [
    'storageattach',
    name,
    '--storagectl',
    'SATA',
    '--port',
    '0',
    '--device',
    '0',
    '--type',
    'hdd',
    '--medium',
    options.disk,
  ]);
  if (options.seed) {
    await vboxOk(sim, [
      'storageattach',
      name,
      '--storagectl',
      'SATA',
      '--port',
      '1',
      '--device',
      '0',
      '--type',
      'dvddrive',
      '--medium',
      options.seed,
    ]);
  }
}

/** The contract's Start network block for a fresh host-only adapter at `cidr` (x.y.z.1/24). */
export async function attachHostOnly(sim: VirtualBoxSimulator, name: string, hostIp: string): Promise<string> {
  const created = await vboxOk(sim, ['hostonlyif', 'create']);
  const adapter = /Interface '(.+)' was successfully created/.exec(created.stdout)?.[1];
  if (!adapter) throw new Error(`no adapter in: ${created.stdout}`);
  const prefix = hostIp.split('.').slice(0, 3).join('.');
  await vboxOk(sim, ['hostonlyif', 'ipconfig', adapter, '--ip', hostIp, '--netmask', '255.255.255.0']);
  await vboxOk(sim, ['setextradata', 'global', `Berth/HostOnlyAdapter/${adapter}`, 'created']);
  await vboxOk(sim, [
    'dhcpserver',
    'add',
    '--netname',
    `HostInterfaceNetworking-${adapter}`,
    '--ip',
    `${prefix}.2`,
    '--netmask',
    '255.255.255.0',
    '--lowerip',
    `${prefix}.100`,
    '--upperip',
    `${prefix}.254`,
    '--enable',
  ]);
  await vboxOk(sim, [
    'modifyvm',
    name,
    '--nic2',
    'hostonly',
    '--nictype2',
    '82540EM',
    '--nicpromisc2',
    'deny',
    '--hostonlyadapter2',
    adapter,
    '--cableconnected2',
    'on',
  ]);
  return adapter;
}
