import { randomInt } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setState } from './command-context.js';
import { writeVBoxLog } from './commands/control-commands.js';
import { newVmRecord, settingsXml } from './commands/vm-commands.js';
import { hostOnlyNetworkName } from './dhcp-leases.js';
import type { GuestRuntime } from './guest-runtime.js';
import { ipToNumber, maskToPrefix, networkOf, numberToIp, prefixToMask } from './ipv4.js';
import { type HostOnlyIfRecord, newUuid, type Registry } from './registry.js';
import type { SimConfig } from './sim-config.js';

/** A VM as docker-machine 0.16's virtualbox driver leaves it after `create` (reference §2.2). */
export interface DockerMachineVmSpec {
  name: string;
  /** `<store>/machines/<name>`: the VM's basefolder (its files in `<machineDir>/<name>/`). */
  machineDir: string;
  /** Host port of the `ssh` NAT rule. */
  sshPort: number;
  /** `--virtualbox-hostonly-cidr`, e.g. 192.168.99.1/24. */
  hostOnlyCidr: string;
  /** `<machineDir>/boot2docker.iso` (SATA port 0, DVD). */
  boot2dockerIso: string;
  /** `<machineDir>/disk.vmdk` (SATA port 1): the b2d tar at offset 0 gives the guest its key. */
  disk: string;
  state?: 'poweroff' | 'running';
  /** Last octet of the DHCP server's IP; docker-machine picks it at random (1–24, not the host's). */
  dhcpServerOctet?: number;
}

async function fileSizeMb(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  return Math.max(1, Math.ceil((info?.size ?? 0) / 1048576));
}

/** Reuses an adapter with the CIDR's IP and mask (as D does), else makes the next vboxnetN with it. */
function adapterFor(registry: Registry, ip: string, netmask: string): HostOnlyIfRecord {
  const found = registry.hostOnlyIfs.find((adapter) => adapter.ip === ip && adapter.netmask === netmask);
  if (found) return found;
  const used = new Set(registry.hostOnlyIfs.map((adapter) => adapter.index));
  let index = 0;
  while (used.has(index)) index += 1;
  const adapter: HostOnlyIfRecord = {
    name: `vboxnet${index}`,
    ip,
    netmask,
    dhcp: false,
    ipv6: '',
    ipv6PrefixLength: 0,
    index,
  };
  registry.hostOnlyIfs.push(adapter);
  return adapter;
}

export async function registerDockerMachineVm(
  registry: Registry,
  spec: DockerMachineVmSpec,
  runtime: GuestRuntime,
  config: SimConfig,
): Promise<void> {
  if (registry.vms.some((vm) => vm.name === spec.name))
    throw new Error(`a VM named "${spec.name}" is already registered`);
  const [ip, bitsText] = spec.hostOnlyCidr.split('/');
  const prefix = Number(bitsText);
  if (!ip || ipToNumber(ip) === undefined || !Number.isInteger(prefix))
    throw new Error(`not a CIDR: ${spec.hostOnlyCidr}`);
  const netmask = prefixToMask(prefix);
  const vm = newVmRecord(spec.name, spec.machineDir, 'Linux26_64');
  Object.assign(vm, { memory: 1024, cpus: 1, firmware: 'BIOS' });
  vm.boot = ['dvd', 'dvd', 'disk', 'none'];
  for (const flag of [
    'acpi',
    'ioapic',
    'rtcuseutc',
    'pae',
    'hpet',
    'hwvirtex',
    'nestedpaging',
    'largepages',
    'vtxvpid',
  ]) {
    vm.flags[flag] = 'on';
  }
  Object.assign(vm.flags, { cpuhotplug: 'off', accelerate3d: 'off', bioslogofadein: 'off', bioslogofadeout: 'off' });
  Object.assign(vm.flags, { bioslogodisplaytime: '0', biosbootmenu: 'disabled' });
  const [nat, hostOnly] = vm.nics;
  if (!nat || !hostOnly) throw new Error('a VM has eight NICs');
  Object.assign(nat, { attachment: 'nat', natDnsProxy: true });
  nat.natRules.push({
    name: 'ssh',
    proto: 'tcp',
    hostIp: '127.0.0.1',
    hostPort: spec.sshPort,
    guestIp: '',
    guestPort: 22,
  });
  const adapter = adapterFor(registry, ip, netmask);
  Object.assign(hostOnly, { attachment: 'hostonly', hostOnlyAdapter: adapter.name });
  const networkName = hostOnlyNetworkName(adapter.name);
  if (!registry.dhcpServers.some((server) => server.networkName === networkName)) {
    const base = networkOf(ip, maskToPrefix(netmask) ?? 24);
    const hostOctet = Number(ip.split('.')[3]);
    let serverOctet = spec.dhcpServerOctet ?? randomInt(1, 25);
    if (spec.dhcpServerOctet === undefined && serverOctet === hostOctet)
      serverOctet = serverOctet === 24 ? 23 : serverOctet + 1;
    const baseNumber = ipToNumber(base) ?? 0;
    registry.dhcpServers.push({
      networkName,
      ip: numberToIp(baseNumber + serverOctet),
      netmask,
      lowerIp: numberToIp(baseNumber + 100),
      upperIp: numberToIp(baseNumber + 254),
      enabled: true,
      leases: {},
    });
  }
  const iso = {
    uuid: newUuid(),
    path: spec.boot2dockerIso,
    type: 'dvd' as const,
    format: 'RAW',
    capacityMb: await fileSizeMb(spec.boot2dockerIso),
  };
  const disk = { uuid: newUuid(), path: spec.disk, type: 'hdd' as const, format: 'VMDK', capacityMb: 20000 };
  registry.media.push(iso, disk);
  vm.storage.push({
    name: 'SATA',
    bus: 'sata',
    type: 'IntelAhci',
    portCount: 30,
    hostIoCache: true,
    bootable: true,
    attachments: [
      { port: 0, device: 0, type: 'dvddrive', medium: iso.path, uuid: iso.uuid },
      { port: 1, device: 0, type: 'hdd', medium: disk.path, uuid: disk.uuid },
    ],
  });
  vm.guestProperties['/VirtualBox/GuestAdd/SharedFolders/MountPrefix'] = '/';
  vm.guestProperties['/VirtualBox/GuestAdd/SharedFolders/MountDir'] = '/';
  vm.sharedFolders.push({ name: 'hosthome', hostPath: '/home', automount: true, readonly: false });
  vm.extraData['VBoxInternal2/SharedFoldersEnableSymlinksCreate/hosthome'] = '1';
  await mkdir(dirname(vm.cfgFile), { recursive: true });
  await writeFile(vm.cfgFile, settingsXml(vm));
  registry.vms.push(vm);
  if (spec.state === 'running') {
    const log = await runtime.powerOn(vm, registry);
    await writeVBoxLog(config, vm, [...log, `Changing the VM state from 'POWERING_ON' to 'RUNNING'`]);
    setState(vm, 'running');
  }
}
