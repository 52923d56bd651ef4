import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ArgReader, type Command, type CommandContext, onOffValue, vmOf } from '../command-context.js';
import {
  type AttachmentRecord,
  type NatRule,
  type NicAttachment,
  newMac,
  newUuid,
  type VmRecord,
} from '../registry.js';
import { defaultControllerType } from '../render-vm.js';
import { fileNotFound, invalidArg, lockedForSession, notMutable, VBoxManageError } from '../vbox-errors.js';

const MODIFYVM_USAGE = [
  'VBoxManage modifyvm <uuid | vmname> [--name=name] [--groups=group [,group...]] [--description=description]',
  '    [--os-type=OS-type] [--icon-file=filename] [--memory=size-in-MB] [--page-fusion=on | off]',
  '    [--vram=size-in-MB] [--acpi=on | off] [--ioapic=on | off] [--hardware-uuid=UUID] [--cpus=CPU-count]',
  '    [--cpu-hotplug=on | off] [--pae=on | off] [--long-mode=on | off] [--hpet=on | off]',
  '    [--hwvirtex=on | off] [--nested-paging=on | off] [--large-pages=on | off] [--vtx-vpid=on | off]',
  '    [--vtx-ux=on | off] [--accelerate-3d=on | off] [--firmware=bios | efi | efi32 | efi64]',
  '    [--bios-logo-fade-in=on | off] [--bios-logo-fade-out=on | off] [--bios-logo-display-time=msec]',
  '    [--bios-boot-menu=disabled | menuonly | messageandmenu] [--rtc-use-utc=on | off]',
  '    [--boot1=disk | dvd | floppy | net | none] [--boot2=...] [--boot3=...] [--boot4=...]',
  '    [--nicN=none | null | nat | bridged | intnet | hostonly | hostonlynet | generic | natnetwork]',
  '    [--nic-typeN=Am79C970A | Am79C973 | 82540EM | 82543GC | 82545EM | virtio] [--cable-connectedN=on | off]',
  '    [--nic-promiscN=deny | allow-vms | allow-all] [--host-only-adapterN=none | host-only-net]',
  '    [--mac-addressN=auto | MAC-address] [--nat-pfN=[rulename],tcp | udp,[host-IP],hostport,[guest-IP],guestport]',
  '    [--nat-pfN=delete=rulename] [--nat-dns-proxyN=on | off] [--nat-dns-host-resolverN=on | off]',
];

const ON_OFF_FLAGS = new Set([
  'acpi',
  'ioapic',
  'rtcuseutc',
  'pae',
  'longmode',
  'hpet',
  'hwvirtex',
  'nestedpaging',
  'largepages',
  'vtxvpid',
  'vtxux',
  'accelerate3d',
  'accelerate2dvideo',
  'cpuhotplug',
  'bioslogofadein',
  'bioslogofadeout',
  'pagefusion',
  'x2apic',
  'biosapic',
  'usb',
  'usbehci',
  'usbxhci',
]);
const VALUE_FLAGS = new Set([
  'bioslogodisplaytime',
  'biosbootmenu',
  'graphicscontroller',
  'cpuexecutioncap',
  'audio',
  'audiodriver',
  'audiocontroller',
  'clipboard',
  'clipboardmode',
  'draganddrop',
  'groups',
  'iconfile',
  'hardwareuuid',
  'mouse',
  'keyboard',
  'uart1',
  'uart2',
  'vrde',
  'paravirtprovider',
  'chipset',
]);
const NIC_ATTACHMENTS = new Set<NicAttachment>([
  'none',
  'null',
  'nat',
  'bridged',
  'intnet',
  'hostonly',
  'hostonlynet',
  'generic',
  'natnetwork',
]);
const NIC_TYPES = new Set(['Am79C970A', 'Am79C973', 'Am79C960', '82540EM', '82543GC', '82545EM', 'virtio']);
const BOOT_DEVICES = new Set(['none', 'floppy', 'dvd', 'disk', 'net']);

/**
 * A settings command needs the machine's write lock: refused while a session holds it (running,
 * paused), and on a saved VM only NAT rule changes are accepted (reference §8.1).
 */
function requireMutable(vm: VmRecord, onlyNatRules: boolean, context: string): void {
  if (vm.state === 'running' || vm.state === 'paused') throw lockedForSession(vm.name, context);
  if (vm.state === 'saved' && !onlyNatRules) throw notMutable('Saved');
}

function nicIndex(reader: ArgReader, token: string, base: string): number {
  const index = Number(token.slice(base.length + 2));
  if (!Number.isInteger(index) || index < 1 || index > 8) throw reader.syntax(`Invalid NIC number in ${token}`);
  return index - 1;
}

/** `name,proto,hostip,hostport,guestip,guestport`, an empty name becoming `proto_hostport_guestport`. */
export function parseNatRule(reader: ArgReader, text: string): NatRule {
  const parts = text.split(',');
  const [name, proto, hostIp, hostPort, guestIp, guestPort] = parts;
  const lowerProto = (proto ?? '').toLowerCase();
  const host = Number(hostPort);
  const guest = Number(guestPort);
  if (
    parts.length !== 6 ||
    (lowerProto !== 'tcp' && lowerProto !== 'udp') ||
    !Number.isInteger(host) ||
    !Number.isInteger(guest) ||
    host < 0 ||
    host > 65535 ||
    guest < 1 ||
    guest > 65535
  ) {
    throw reader.syntax(`Invalid NAT rule '${text}'`);
  }
  return {
    name: name || `${lowerProto}_${host}_${guest}`,
    proto: lowerProto as 'tcp' | 'udp',
    hostIp: hostIp ?? '',
    hostPort: host,
    guestIp: guestIp ?? '',
    guestPort: guest,
  };
}

/** Adds a rule to NIC `index`, refusing a duplicate name or host endpoint (E_INVALIDARG). */
export function addNatRule(vm: VmRecord, index: number, rule: NatRule): void {
  const nic = vm.nics[index];
  if (!nic) return;
  if (nic.natRules.some((existing) => existing.name === rule.name)) {
    throw invalidArg(
      'A NAT rule of this name already exists',
      'AddRedirect(Bstr(strName).raw(), proto, Bstr(strHostIp).raw(), hostPort, Bstr(strGuestIp).raw(), guestPort)',
    );
  }
  if (
    nic.natRules.some(
      (existing) =>
        existing.proto === rule.proto && existing.hostPort === rule.hostPort && existing.hostIp === rule.hostIp,
    )
  ) {
    throw invalidArg('A NAT rule for this host port and this host IP already exists', 'AddRedirect(...)');
  }
  nic.natRules.push(rule);
}

export function deleteNatRule(vm: VmRecord, index: number, name: string): void {
  const nic = vm.nics[index];
  if (!nic?.natRules.some((rule) => rule.name === name)) {
    throw new VBoxManageError('E_INVALIDARG', [
      'Code E_INVALIDARG (0x80070057) - One or more arguments are invalid (extended info not available)',
      'Context: "RemoveRedirect(Bstr(ValueUnion.psz).raw())" at line 1836 of file VBoxManageModifyVM.cpp',
    ]);
  }
  nic.natRules = nic.natRules.filter((rule) => rule.name !== name);
}

export const modifyvm: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, MODIFYVM_USAGE);
  const target = reader.word('uuid | vmname');
  const vm = vmOf(ctx, target);
  // Changes apply to a copy: a bad option leaves the VM as it was.
  const next = structuredClone(vm);
  let onlyNat = true;
  let sawOption = false;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    sawOption = true;
    const option = token.slice(2);
    const value = () => reader.value(token, inline);
    const matchNic =
      /^(natpf|nic|nictype|cableconnected|nicpromisc|hostonlyadapter|macaddress|nicspeed|natdnshostresolver|natdnsproxy|natnet|nicbootprio|nictrace|nictracefile|bridgeadapter|intnet|hostonlynet)(\d+)$/.exec(
        option,
      );
    if (!token.startsWith('--')) throw reader.unknown(token);
    if (matchNic) {
      const base = matchNic[1] as string;
      const index = nicIndex(reader, token, base);
      const nic = next.nics[index];
      if (!nic) throw reader.syntax(`Invalid NIC number in ${token}`);
      if (base === 'natpf') {
        const text = value();
        if (text === 'delete') deleteNatRule(next, index, reader.word('rule name'));
        else if (text.startsWith('delete=')) deleteNatRule(next, index, text.slice('delete='.length));
        else addNatRule(next, index, parseNatRule(reader, text));
        continue;
      }
      onlyNat = false;
      const v = value();
      if (base === 'nic') {
        if (!NIC_ATTACHMENTS.has(v as NicAttachment))
          throw reader.syntax(`Invalid type '${v}' specfied for NIC ${index + 1}`);
        nic.attachment = v as NicAttachment;
      } else if (base === 'nictype') {
        if (!NIC_TYPES.has(v)) throw reader.syntax(`Invalid NIC type '${v}' specified for NIC ${index + 1}`);
        nic.nictype = v;
      } else if (base === 'cableconnected') nic.cable = onOffValue(reader, token, v) === 'on';
      else if (base === 'nicpromisc') {
        if (!['deny', 'allow-vms', 'allow-all'].includes(v))
          throw reader.syntax(`Unknown promiscuous mode policy '${v}'`);
        nic.promisc = v;
      } else if (base === 'hostonlyadapter') {
        if (v === 'none') delete nic.hostOnlyAdapter;
        else nic.hostOnlyAdapter = v;
      } else if (base === 'macaddress') {
        if (v === 'auto') nic.mac = newMac();
        else if (/^[0-9A-Fa-f]{12}$/.test(v)) nic.mac = v.toUpperCase();
        else throw reader.syntax(`Invalid MAC address '${v}'`);
      } else if (base === 'nicspeed') nic.speed = Number(v) || 0;
      else if (base === 'natdnshostresolver') nic.natDnsHostResolver = onOffValue(reader, token, v) === 'on';
      else if (base === 'natdnsproxy') nic.natDnsProxy = onOffValue(reader, token, v) === 'on';
      continue;
    }
    onlyNat = false;
    const boot = /^boot([1-4])$/.exec(option);
    if (boot) {
      const device = value();
      if (!BOOT_DEVICES.has(device)) throw reader.syntax(`Invalid boot device '${device}'`);
      next.boot[Number(boot[1]) - 1] = device;
    } else if (option === 'name') {
      const name = value();
      if (ctx.registry.vms.some((other) => other !== vm && other.name === name)) {
        throw new VBoxManageError('VBOX_E_OBJECT_IN_USE', [`A machine named '${name}' already exists`]);
      }
      next.name = name;
    } else if (option === 'ostype') next.ostype = value();
    else if (option === 'memory') next.memory = positive(reader, token, value());
    else if (option === 'cpus') next.cpus = positive(reader, token, value());
    else if (option === 'vram') next.vram = positive(reader, token, value(), 0);
    else if (option === 'description') next.description = value();
    else if (option === 'firmware') {
      const firmware = value().toLowerCase();
      if (!['bios', 'efi', 'efi32', 'efi64'].includes(firmware))
        throw reader.syntax(`Invalid --firmware argument '${firmware}'`);
      next.firmware = firmware === 'bios' ? 'BIOS' : firmware.toUpperCase();
    } else if (option === 'chipset') next.chipset = value().toLowerCase();
    else if (ON_OFF_FLAGS.has(option)) next.flags[option] = onOffValue(reader, token, value());
    else if (VALUE_FLAGS.has(option)) next.flags[option] = value();
    else throw reader.unknown(token);
  }
  if (!sawOption) throw reader.syntax('No change requested');
  requireMutable(vm, onlyNat, 'LockMachine(a->session, LockType_Write)');
  Object.assign(vm, next);
};

function positive(reader: ArgReader, option: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw reader.syntax(`Invalid ${option} argument '${text}'`);
  return value;
}

const STORAGECTL_USAGE = [
  'VBoxManage storagectl <uuid | vmname> --name=controller-name [--add=floppy | ide | pcie | sas | sata | scsi | usb]',
  '    [--controller=BusLogic | I82078 | ICH6 | IntelAHCI | LSILogic | LSILogicSAS | NVMe | PIIX3 | PIIX4 | USB | VirtIO]',
  '    [--bootable=on | off] [--hostiocache=on | off] [--portcount=count] [--rename=new-controller-name]',
  'VBoxManage storagectl <uuid | vmname> --name=controller-name --remove',
];

export const storagectl: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, STORAGECTL_USAGE);
  const vm = vmOf(ctx, reader.word('uuid | vmname'));
  let name: string | undefined;
  let add: string | undefined;
  let controllerType: string | undefined;
  let portCount: number | undefined;
  let hostIoCache: boolean | undefined;
  let bootable: boolean | undefined;
  let remove = false;
  let rename: string | undefined;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--name') name = reader.value(token, inline);
    else if (token === '--add') add = reader.value(token, inline).toLowerCase();
    else if (token === '--controller') controllerType = reader.value(token, inline);
    else if (token === '--portcount' || token === '--sataportcount')
      portCount = positive(reader, token, reader.value(token, inline));
    else if (token === '--hostiocache') hostIoCache = onOffValue(reader, token, reader.value(token, inline)) === 'on';
    else if (token === '--bootable') bootable = onOffValue(reader, token, reader.value(token, inline)) === 'on';
    else if (token === '--remove') remove = true;
    else if (token === '--rename') rename = reader.value(token, inline);
    else throw reader.unknown(token);
  }
  if (!name) throw reader.syntax('Storage controller name not specified');
  requireMutable(vm, false, 'LockMachine(a->session, LockType_Write)');
  const existing = vm.storage.find((controller) => controller.name === name);
  if (add) {
    if (!['floppy', 'ide', 'pcie', 'sas', 'sata', 'scsi', 'usb', 'virtio'].includes(add)) {
      throw reader.syntax(`Invalid --add argument '${add}'`);
    }
    if (existing) {
      throw new VBoxManageError('VBOX_E_OBJECT_IN_USE', [
        `Storage controller named '${name}' already exists`,
        'Details: code VBOX_E_OBJECT_IN_USE (0x80bb000c), component SessionMachine, interface IMachine, callee nsISupports',
      ]);
    }
    vm.storage.push({
      name,
      bus: add,
      type: controllerType ?? defaultControllerType(add),
      portCount: portCount ?? (add === 'ide' ? 2 : 30),
      hostIoCache: hostIoCache ?? add !== 'sata',
      bootable: bootable ?? true,
      attachments: [],
    });
    return;
  }
  if (!existing) throw controllerNotFound(name);
  if (remove) {
    vm.storage = vm.storage.filter((controller) => controller !== existing);
    return;
  }
  if (controllerType) existing.type = controllerType;
  if (portCount !== undefined) existing.portCount = portCount;
  if (hostIoCache !== undefined) existing.hostIoCache = hostIoCache;
  if (bootable !== undefined) existing.bootable = bootable;
  if (rename) existing.name = rename;
};

function controllerNotFound(name: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_OBJECT_NOT_FOUND', [
    `Could not find a controller named '${name}'`,
    'Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component SessionMachine, interface IMachine, callee nsISupports',
  ]);
}

const STORAGEATTACH_USAGE = [
  'VBoxManage storageattach <uuid | vmname> --storagectl=name [--bandwidthgroup= name | none] [--comment=text]',
  '    [--device=number] [--discard=on | off] [--encodedlun=lun] [--forceunmount] [--hotpluggable=on | off]',
  '    [--initiator=initiator] [--intnet] [--lun=lun] [--medium= none | emptydrive | additions | uuid | filename | host:drive | iscsi]',
  '    [--mtype= normal | writethrough | immutable | shareable | readonly | multiattach] [--nonrotational=on | off]',
  '    [--passthrough=on | off] [--passwordfile=file] [--password=password] [--port=number] [--server= name | ip]',
  '    [--setparentuuid=uuid] [--setuuid=uuid] [--target=target] [--tempeject=on | off] [--tport=port]',
  '    [--type= dvddrive | fdd | hdd] [--username=username]',
];

function formatOf(path: string): string {
  const extension = path.toLowerCase().split('.').pop() ?? '';
  return (
    { vmdk: 'VMDK', vdi: 'VDI', vhd: 'VHD', vhdx: 'VHDX', iso: 'RAW', img: 'RAW', raw: 'RAW', qcow2: 'QCOW' }[
      extension
    ] ?? 'VMDK'
  );
}

/** The medium record for a path (opening it registers it, as VirtualBox's OpenMedium does). */
export async function openMedium(
  ctx: CommandContext,
  pathOrUuid: string,
  type: 'hdd' | 'dvd' | 'floppy',
): Promise<{ uuid: string; path: string }> {
  const bare = pathOrUuid.replace(/^\{|\}$/g, '').toLowerCase();
  const byUuid = ctx.registry.media.find((medium) => medium.uuid === bare);
  if (byUuid) return byUuid;
  const path = resolve(ctx.cwd, pathOrUuid);
  const known = ctx.registry.media.find((medium) => medium.path === path);
  if (known) return known;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw fileNotFound(path);
  const medium = {
    uuid: newUuid(),
    path,
    type,
    format: type === 'hdd' ? formatOf(path) : 'RAW',
    capacityMb: Math.max(1, Math.ceil(info.size / 1048576)),
  };
  ctx.registry.media.push(medium);
  return medium;
}

export const storageattach: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, STORAGEATTACH_USAGE);
  const vm = vmOf(ctx, reader.word('uuid | vmname'));
  let controllerName: string | undefined;
  let port: number | undefined;
  let device = 0;
  let type: string | undefined;
  let mediumArg: string | undefined;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--storagectl') controllerName = reader.value(token, inline);
    else if (token === '--port') port = positive(reader, token, reader.value(token, inline), 0);
    else if (token === '--device') device = positive(reader, token, reader.value(token, inline), 0);
    else if (token === '--type') type = reader.value(token, inline).toLowerCase();
    else if (token === '--medium') mediumArg = reader.value(token, inline);
    else if (
      [
        '--mtype',
        '--nonrotational',
        '--discard',
        '--hotpluggable',
        '--comment',
        '--passthrough',
        '--tempeject',
        '--bandwidthgroup',
        '--setuuid',
        '--setparentuuid',
      ].includes(token)
    ) {
      reader.value(token, inline);
    } else if (token === '--forceunmount') continue;
    else throw reader.unknown(token);
  }
  if (!controllerName) throw reader.syntax('Storage controller name not specified');
  if (port === undefined) throw reader.syntax('Port not specified');
  if (mediumArg === undefined) throw reader.syntax('Medium not specified');
  if (type !== undefined && !['hdd', 'dvddrive', 'fdd'].includes(type))
    throw reader.syntax(`Invalid --type argument '${type}'`);
  requireMutable(vm, false, 'LockMachine(a->session, LockType_Write)');
  const controller = vm.storage.find((c) => c.name === controllerName);
  if (!controller) throw controllerNotFound(controllerName);
  if (port >= controller.portCount || device > (controller.bus === 'ide' ? 1 : 0)) {
    throw new VBoxManageError('E_INVALIDARG', [
      `The port and/or device parameter are out of range: port=${port} (must be in range [0, ${controller.portCount - 1}]), device=${device} (must be in range [0, ${controller.bus === 'ide' ? 1 : 0}])`,
    ]);
  }
  const current = controller.attachments.find((a) => a.port === port && a.device === device);
  controller.attachments = controller.attachments.filter((a) => a !== current);
  if (mediumArg === 'none') return;
  const kind = (type ?? current?.type) as AttachmentRecord['type'] | undefined;
  if (!kind) throw reader.syntax('Argument --type must be specified');
  if (mediumArg === 'emptydrive') {
    controller.attachments.push({ port, device, type: kind, medium: 'emptydrive' });
    return;
  }
  const medium = await openMedium(ctx, mediumArg, kind === 'hdd' ? 'hdd' : kind === 'fdd' ? 'floppy' : 'dvd');
  controller.attachments.push({ port, device, type: kind, medium: medium.path, uuid: medium.uuid });
  controller.attachments.sort((a, b) => a.port - b.port || a.device - b.device);
};

export const sharedfolder: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, [
    'VBoxManage sharedfolder add <uuid | vmname> --name=name --hostpath=hostpath [--readonly] [--transient] [--automount] [--auto-mount-point=path]',
    'VBoxManage sharedfolder remove <uuid | vmname> --name=name [--transient]',
  ]);
  const action = reader.word('add | remove');
  if (action !== 'add' && action !== 'remove') throw reader.syntax(`Invalid parameter '${action}'`);
  const vm = vmOf(ctx, reader.word('uuid | vmname'));
  let name: string | undefined;
  let hostPath: string | undefined;
  let automount = false;
  let readonly = false;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--name') name = reader.value(token, inline);
    else if (token === '--hostpath') hostPath = reader.value(token, inline);
    else if (token === '--automount') automount = true;
    else if (token === '--readonly') readonly = true;
    else if (token === '--transient') continue;
    else if (token === '--automountpoint') reader.value(token, inline);
    else throw reader.unknown(token);
  }
  if (!name) throw reader.syntax('Shared folder name (--name) not specified');
  requireMutable(vm, false, 'LockMachine(a->session, LockType_Write)');
  if (action === 'add') {
    if (!hostPath) throw reader.syntax('Host path (--hostpath) not specified');
    if (vm.sharedFolders.some((folder) => folder.name === name)) {
      throw new VBoxManageError('VBOX_E_OBJECT_IN_USE', [
        `Shared folder named '${name}' already exists`,
        'Details: code VBOX_E_OBJECT_IN_USE (0x80bb000c), component SessionMachine, interface IMachine, callee nsISupports',
      ]);
    }
    vm.sharedFolders.push({ name, hostPath: resolve(ctx.cwd, hostPath), automount, readonly });
    return;
  }
  if (!vm.sharedFolders.some((folder) => folder.name === name)) {
    throw new VBoxManageError('VBOX_E_OBJECT_NOT_FOUND', [`Could not find a shared folder named '${name}'.`]);
  }
  vm.sharedFolders = vm.sharedFolders.filter((folder) => folder.name !== name);
};
