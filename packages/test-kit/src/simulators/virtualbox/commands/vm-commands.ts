import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathExists } from '../../../files/file-checks.js';
import { ArgReader, type Command, isUp, vmOf } from '../command-context.js';
import { defaultNic, newUuid, type VmRecord } from '../registry.js';
import { humanReadable, logFolder, machineReadable } from '../render-vm.js';
import { VBoxManageError } from '../vbox-errors.js';

const CREATEVM_USAGE = [
  'VBoxManage createvm --name=name [--basefolder=basefolder] [--default] [--groups=group-ID,...]',
  '    [--ostype=ostype] [--register] [--uuid=uuid] [--cipher=cipher] [--password-id=password-id]',
  '    [--password=file]',
];

/** The settings file: a stub of VirtualBox's XML that carries the VM's record (for registervm). */
export function settingsXml(vm: VmRecord): string {
  return [
    '<?xml version="1.0"?>',
    '<VirtualBox xmlns="http://www.virtualbox.org/" version="1.19-linux">',
    `  <Machine uuid="{${vm.uuid}}" name="${vm.name}" OSType="${vm.ostype}">`,
    `    <!-- berth-simulator ${Buffer.from(JSON.stringify(vm)).toString('base64')} -->`,
    '  </Machine>',
    '</VirtualBox>',
    '',
  ].join('\n');
}

export function newVmRecord(name: string, basefolder: string, ostype: string, uuid = newUuid()): VmRecord {
  return {
    name,
    uuid,
    basefolder,
    cfgFile: join(basefolder, name, `${name}.vbox`),
    ostype,
    state: 'poweroff',
    stateChangedAt: new Date().toISOString(),
    memory: 128,
    cpus: 1,
    vram: 8,
    firmware: 'BIOS',
    chipset: 'piix3',
    flags: {},
    boot: ['floppy', 'dvd', 'disk', 'none'],
    nics: Array.from({ length: 8 }, (_, i) => defaultNic(i)),
    storage: [],
    sharedFolders: [],
    guestProperties: {},
    extraData: {},
    description: '',
  };
}

export const createvm: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, CREATEVM_USAGE);
  let name: string | undefined;
  let basefolder: string | undefined;
  let ostype = 'Other';
  let register = false;
  let uuid: string | undefined;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--name') name = reader.value(token, inline);
    else if (token === '--basefolder') basefolder = reader.value(token, inline);
    else if (token === '--ostype') ostype = reader.value(token, inline);
    else if (token === '--register') register = true;
    else if (token === '--uuid')
      uuid = reader
        .value(token, inline)
        .replace(/^\{|\}$/g, '')
        .toLowerCase();
    else if (token === '--groups' || token === '--cipher' || token === '--passwordid' || token === '--password') {
      reader.value(token, inline);
    } else if (token === '--default') {
      // Defaults for the OS type: nothing the simulator models.
    } else throw reader.unknown(token);
  }
  if (!name) throw reader.syntax('Parameter --name is required');
  const base = resolve(ctx.cwd, basefolder ?? join(homedir(), 'VirtualBox VMs'));
  const vm = newVmRecord(name, base, ostype, uuid);
  if (await pathExists(vm.cfgFile)) {
    throw new VBoxManageError('VBOX_E_FILE_ERROR', [
      `Machine settings file '${vm.cfgFile}' already exists`,
      'Details: code VBOX_E_FILE_ERROR (0x80bb0004), component MachineWrap, interface IMachine, callee nsISupports',
      'Context: "CreateMachine(bstrSettingsFile.raw(), bstrName.raw(), ComSafeArrayAsInParam(groups), bstrOsTypeId.raw(), createFlags.raw(), machine.asOutParam())" at line 421 of file VBoxManageMisc.cpp',
    ]);
  }
  if (register && ctx.registry.vms.some((other) => other.name === name || other.uuid === vm.uuid)) {
    throw new VBoxManageError('VBOX_E_OBJECT_IN_USE', [
      `Cannot register the machine '${name}' ({${vm.uuid}}) because a machine with the same name or UUID is already registered`,
      'Details: code VBOX_E_OBJECT_IN_USE (0x80bb000c), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
    ]);
  }
  await mkdir(dirname(vm.cfgFile), { recursive: true });
  await writeFile(vm.cfgFile, settingsXml(vm));
  if (register) ctx.registry.vms.push(vm);
  ctx.out.out(
    `Virtual machine '${name}' is created${register ? ' and registered' : ''}.`,
    `UUID: ${vm.uuid}`,
    `Settings file: '${vm.cfgFile}'`,
  );
};

export const registervm: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage registervm filename [--password file]']);
  const file = resolve(ctx.cwd, reader.word('filename'));
  const text = await readFile(file, 'utf8').catch(() => {
    throw new VBoxManageError('VBOX_E_FILE_ERROR', [
      `Could not find file '${file}' (VERR_FILE_NOT_FOUND)`,
      'Details: code VBOX_E_FILE_ERROR (0x80bb0004), component MachineWrap, interface IMachine, callee nsISupports',
    ]);
  });
  const encoded = /berth-simulator (\S+)/.exec(text)?.[1];
  if (!encoded) {
    throw new VBoxManageError('VBOX_E_FILE_ERROR', [`Could not load the settings file '${file}'`]);
  }
  const vm = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as VmRecord;
  if (ctx.registry.vms.some((other) => other.name === vm.name || other.uuid === vm.uuid)) {
    throw new VBoxManageError('VBOX_E_OBJECT_IN_USE', [
      `Cannot register the machine '${vm.name}' ({${vm.uuid}}) because a machine with the same name or UUID is already registered`,
    ]);
  }
  vm.state = 'poweroff';
  delete vm.guest;
  ctx.registry.vms.push(vm);
};

export const unregistervm: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage unregistervm <uuid | vmname> [--delete] [--delete-all]']);
  let target: string | undefined;
  let remove = false;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    if (arg.token === '--delete' || arg.token === '--deleteall') remove = true;
    else if (!arg.token.startsWith('-') && target === undefined) target = arg.token;
    else throw reader.unknown(arg.token);
  }
  if (!target) throw reader.syntax('VM name or UUID required');
  const vm = vmOf(ctx, target);
  if (isUp(vm)) {
    throw new VBoxManageError('VBOX_E_INVALID_OBJECT_STATE', [
      `Cannot unregister the machine '${vm.name}' while it is locked`,
      'Details: code VBOX_E_INVALID_OBJECT_STATE (0x80bb0007), component MachineWrap, interface IMachine, callee nsISupports',
      'Context: "Unregister(CleanupMode_DetachAllReturnHardDisksOnly, ComSafeArrayAsOutParam(aMedia))" at line 176 of file VBoxManageMisc.cpp',
    ]);
  }
  await ctx.runtime.forget(vm);
  ctx.registry.vms = ctx.registry.vms.filter((other) => other !== vm);
  const attached = vm.storage.flatMap((controller) => controller.attachments);
  const stillUsed = (uuid: string | undefined) =>
    ctx.registry.vms.some((other) => other.storage.some((c) => c.attachments.some((a) => a.uuid === uuid)));
  // DVD images belong to the VM's media registry: they go from the list, their files stay.
  const dvds = new Set(attachments(attached, 'dvddrive').filter((uuid) => !stillUsed(uuid)));
  ctx.registry.media = ctx.registry.media.filter((medium) => !dvds.has(medium.uuid));
  if (!remove) return;
  for (const uuid of attachments(attached, 'hdd')) {
    const medium = ctx.registry.media.find((m) => m.uuid === uuid);
    if (!medium || stillUsed(uuid)) continue;
    await rm(medium.path, { force: true });
    ctx.registry.media = ctx.registry.media.filter((m) => m !== medium);
  }
  const folder = dirname(vm.cfgFile);
  await rm(vm.cfgFile, { force: true });
  await rm(`${vm.cfgFile}-prev`, { force: true });
  await rm(logFolder(vm), { recursive: true, force: true });
  await rm(join(folder, 'Snapshots'), { recursive: true, force: true });
  await rmdir(folder).catch(() => undefined);
  ctx.out.progress();
};

function attachments(list: VmRecord['storage'][number]['attachments'], type: 'hdd' | 'dvddrive'): string[] {
  return list.filter((a) => a.type === type && a.uuid).map((a) => a.uuid as string);
}

export const showvminfo: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, [
    'VBoxManage showvminfo <uuid | vmname> [--details] [--machinereadable] [--password-id id] [--password file]',
    'VBoxManage showvminfo <uuid | vmname> --log=index [--password-id id] [--password file]',
  ]);
  let target: string | undefined;
  let machine = false;
  let log: string | undefined;
  for (let arg = reader.next(); arg; arg = reader.next()) {
    if (arg.token === '--machinereadable') machine = true;
    else if (arg.token === '--details') continue;
    else if (arg.token === '--log') log = reader.value(arg.token, arg.inline);
    else if (arg.token === '--passwordid' || arg.token === '--password') reader.value(arg.token, arg.inline);
    else if (!arg.token.startsWith('-') && target === undefined) target = arg.token;
    else throw reader.unknown(arg.token);
  }
  if (!target) throw reader.syntax('VM name or UUID required');
  const vm = vmOf(ctx, target);
  if (log !== undefined) {
    const suffix = log === '0' ? '' : `.${log}`;
    const text = await readFile(join(logFolder(vm), `VBox.log${suffix}`), 'utf8').catch(() => '');
    ctx.out.out(...text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1));
    return;
  }
  ctx.out.out(...(machine ? machineReadable(vm) : humanReadable(vm)));
};

export const setextradata: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage setextradata <global | uuid | vmname> <keyword> [value]']);
  const target = reader.word('global | uuid | vmname');
  const key = reader.word('keyword');
  const value = reader.peek();
  const store = target === 'global' ? ctx.registry.globalExtraData : vmOf(ctx, target).extraData;
  if (value === undefined || value === '') delete store[key];
  else store[key] = value;
};

export const getextradata: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage getextradata <global | uuid | vmname> <keyword | enumerate>']);
  const target = reader.word('global | uuid | vmname');
  const key = reader.word('keyword | enumerate');
  const store = target === 'global' ? ctx.registry.globalExtraData : vmOf(ctx, target).extraData;
  if (key === 'enumerate') {
    for (const [k, v] of Object.entries(store)) ctx.out.out(`Key: ${k}, Value: ${v}`);
    return;
  }
  const value = store[key];
  ctx.out.out(value === undefined ? 'No value set!' : `Value: ${value}`);
};

export const guestproperty: Command = async (ctx) => {
  const usage = [
    'VBoxManage guestproperty get <uuid | vmname> <property-name> [--verbose]',
    'VBoxManage guestproperty enumerate <uuid | vmname> [--no-timestamp] [--no-flags] [--relative] [--old-format] [patterns...]',
    'VBoxManage guestproperty set <uuid | vmname> <property-name> [property-value [--flags=flags]]',
    'VBoxManage guestproperty unset <uuid | vmname> <property-name>',
  ];
  const reader = new ArgReader(ctx.args, usage);
  const action = reader.word('subcommand');
  const vm = vmOf(ctx, reader.word('uuid | vmname'));
  if (action === 'enumerate') {
    for (const [name, value] of Object.entries(vm.guestProperties)) ctx.out.out(`${name.padEnd(40)} = '${value}'`);
    return;
  }
  const name = reader.word('property-name');
  if (action === 'get') {
    const value = vm.guestProperties[name];
    ctx.out.out(value === undefined ? 'No value set!' : `Value: ${value}`);
    return;
  }
  if (action === 'set' || action === 'unset' || action === 'delete') {
    if (vm.state === 'saved') {
      throw new VBoxManageError('VBOX_E_INVALID_VM_STATE', [
        'The machine is not mutable (state is Saved)',
        'Details: code VBOX_E_INVALID_VM_STATE (0x80bb0002), component SessionMachine, interface IMachine, callee nsISupports',
      ]);
    }
    const value = action === 'set' ? reader.peek() : undefined;
    if (value === undefined) delete vm.guestProperties[name];
    else vm.guestProperties[name] = value;
    return;
  }
  throw reader.syntax(`Invalid parameter '${action}'`);
};
