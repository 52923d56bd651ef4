import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgReader, type Command, type CommandContext, isUp, setState, vmOf } from '../command-context.js';
import type { VmRecord } from '../registry.js';
import { logFolder } from '../render-vm.js';
import { type SimConfig, versionNumbers } from '../sim-config.js';
import { lockedBySession, notRunning, VBoxManageError } from '../vbox-errors.js';
import { addNatRule, deleteNatRule, parseNatRule } from './settings-commands.js';

function stamp(ms: number): string {
  const total = ms / 1000;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = (total % 60).toFixed(6).padStart(9, '0');
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${seconds}`;
}

/** Writes `<LogFldr>/VBox.log` for a power-on (the previous one becomes VBox.log.1, as VirtualBox rotates). */
export async function writeVBoxLog(config: SimConfig, vm: VmRecord, body: string[]): Promise<void> {
  const folder = logFolder(vm);
  await mkdir(folder, { recursive: true });
  const path = join(folder, 'VBox.log');
  await rename(path, `${path}.1`).catch(() => undefined);
  const [major, minor, patch] = versionNumbers(config.version);
  const revision = /r(\d+)/.exec(config.version)?.[1] ?? '0';
  const head = [
    `VirtualBox VM ${major}.${minor}.${patch} r${revision} ${config.platform}.amd64 release log`,
    `Log opened ${new Date().toISOString()}`,
    'Build Type: release',
    `OS Product: ${config.platform === 'windows' ? 'Windows' : config.platform === 'darwin' ? 'Darwin' : 'Linux'}`,
    `Host RAM: 16000MB (15.6GB) total, 12000MB (11.7GB) available`,
    `Executable: /usr/lib/virtualbox/VirtualBoxVM`,
    `Process ID: ${process.pid}`,
    `VM Name: ${vm.name}`,
    `VM UUID: ${vm.uuid}`,
  ];
  const lines = [...head, ...body].map((line, i) => `${stamp(i * 1.7 + (i > head.length ? 300 : 0))} ${line}`);
  await writeFile(path, `${lines.join('\n')}\n`);
}

/** A failed power-on as VBoxManage reports it when the VM process dies during start-up. */
function terminatedUnexpectedly(vm: VmRecord): VBoxManageError {
  return new VBoxManageError('NS_ERROR_FAILURE', [
    `The virtual machine '${vm.name}' has terminated unexpectedly during startup with exit code 1 (0x1)`,
    'Details: code NS_ERROR_FAILURE (0x80004005), component MachineWrap, interface IMachine',
  ]);
}

async function powerOn(ctx: CommandContext, vm: VmRecord): Promise<void> {
  if (isUp(vm)) throw lockedBySession(vm.name);
  ctx.out.out(`Waiting for VM "${vm.name}" to power on...`);
  const [major] = versionNumbers(ctx.config.version);
  const hostOnly = vm.nics.filter((nic) => nic.attachment === 'hostonly');
  if (ctx.config.platform === 'darwin' && major >= 7 && hostOnly.length > 0) {
    throw new VBoxManageError('VERR_NOT_FOUND', [
      'Host-only adapters are no longer supported!',
      `For your convenience a host-only network named 'Legacy ${hostOnly[0]?.hostOnlyAdapter ?? 'vboxnet0'} Network' has been created with network mask '255.255.255.0' and IP address range '192.168.56.1' - '192.168.56.254'.`,
      "To fix this problem, switch to 'Host-only Network' attachment type in the VM settings.",
      ' (VERR_NOT_FOUND)',
    ]);
  }
  for (const nic of hostOnly) {
    if (!ctx.registry.hostOnlyIfs.some((adapter) => adapter.name === nic.hostOnlyAdapter)) {
      await writeVBoxLog(ctx.config, vm, [
        `Nonexistent host networking interface, name '${nic.hostOnlyAdapter ?? ''}' (VERR_INTERNAL_ERROR)`,
      ]);
      throw new VBoxManageError('E_FAIL', [
        `Nonexistent host networking interface, name '${nic.hostOnlyAdapter ?? ''}' (VERR_INTERNAL_ERROR)`,
        'Details: code E_FAIL (0x80004005), component ConsoleWrap, interface IConsole',
      ]);
    }
  }
  if (ctx.faults.vtxMissing) {
    await writeVBoxLog(ctx.config, vm, [
      'HM: HMR3Init: VT-x is not available (VERR_VMX_NO_VMX)',
      'VMSetError: VT-x is not available (VERR_VMX_NO_VMX)',
      'ERROR [COM]: aRC=NS_ERROR_FAILURE (0x80004005) aIID={6ac83d89-6ee7-4e33-8ae6-b257b2e81be8} aComponent={ConsoleWrap} aText={VT-x is not available (VERR_VMX_NO_VMX)}, preserve=false aResultDetail=-4009',
      'Power up failed (vrc=VERR_VMX_NO_VMX, rc=NS_ERROR_FAILURE (0X80004005))',
    ]);
    throw terminatedUnexpectedly(vm);
  }
  const restoring = vm.state === 'saved';
  const body = [
    'HM: HMR3Init: VT-x w/ nested paging and unrestricted guest execution hw support',
    `CPUM: Guest CPU count: ${vm.cpus}`,
    `RAM: ${vm.memory} MB`,
  ];
  if (restoring) {
    await ctx.runtime.resume(vm);
    body.push('SSM: Restoring the saved state');
  } else {
    body.push(...(await ctx.runtime.powerOn(vm, ctx.registry)));
  }
  body.push(`Changing the VM state from 'POWERING_ON' to 'RUNNING'`);
  await writeVBoxLog(ctx.config, vm, body);
  setState(vm, 'running');
  ctx.out.out(`VM "${vm.name}" has been successfully started.`);
}

export const startvm: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, [
    'VBoxManage startvm <uuid | vmname...> [--putenv=name[=value]] [--type= [gui | headless | sdl | separate]]',
    '    [--password=file] [--password-id=password-identifier]',
  ]);
  const targets: string[] = [];
  for (let arg = reader.next(); arg; arg = reader.next()) {
    const { token, inline } = arg;
    if (token === '--type') {
      const type = reader.value(token, inline);
      if (!['gui', 'headless', 'sdl', 'separate'].includes(type)) throw reader.syntax(`Invalid session type '${type}'`);
    } else if (token === '--putenv' || token === '-E' || token === '--password' || token === '--passwordid') {
      reader.value(token, inline);
    } else if (!token.startsWith('-')) targets.push(token);
    else throw reader.unknown(token);
  }
  if (targets.length === 0) throw reader.syntax('VM name or UUID required');
  for (const target of targets) await powerOn(ctx, vmOf(ctx, target));
};

const CONTROLVM_USAGE = [
  'VBoxManage controlvm <uuid | vmname> pause | resume | reset | poweroff | savestate | acpipowerbutton | acpisleepbutton',
  'VBoxManage controlvm <uuid | vmname> natpfN [rulename],tcp | udp,host-IP,hostport,guest-IP,guestport',
  'VBoxManage controlvm <uuid | vmname> natpfN delete rulename',
  'VBoxManage controlvm <uuid | vmname> setlinkstateN on | off',
];

function invalidState(vm: VmRecord, wanted: string): VBoxManageError {
  const names: Record<string, string> = {
    running: 'Running',
    paused: 'Paused',
    saved: 'Saved',
    poweroff: 'PoweredOff',
    aborted: 'Aborted',
  };
  return new VBoxManageError('VBOX_E_INVALID_VM_STATE', [
    `Invalid machine state: ${names[vm.state] ?? vm.state} (must be ${wanted})`,
    'Details: code VBOX_E_INVALID_VM_STATE (0x80bb0002), component ConsoleWrap, interface IConsole, callee nsISupports',
  ]);
}

export const controlvm: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, CONTROLVM_USAGE);
  const target = reader.word('uuid | vmname');
  const action = reader.word('action');
  const vm = vmOf(ctx, target);
  if (!isUp(vm)) throw notRunning(vm.name);
  const natpf = /^natpf([1-8])$/.exec(action);
  if (natpf) {
    const index = Number(natpf[1]) - 1;
    const text = reader.word('rule');
    if (text === 'delete') {
      const name = reader.word('rule name');
      deleteNatRule(vm, index, name);
      await ctx.runtime.natRuleRemoved(vm, index, name);
    } else {
      const rule = parseNatRule(reader, text);
      addNatRule(vm, index, rule);
      await ctx.runtime.natRuleAdded(vm, index, rule);
    }
    return;
  }
  const link = /^setlinkstate([1-8])$/.exec(action);
  if (link) {
    const nic = vm.nics[Number(link[1]) - 1];
    const value = reader.word('on | off');
    if (nic) nic.cable = value === 'on';
    return;
  }
  // D passes `--type <ui>` after `resume`: VBoxManage takes no option there, so it is skipped.
  if (reader.peek() === '--type') {
    reader.next();
    reader.word('type');
  }
  switch (action) {
    case 'pause':
      if (vm.state !== 'running') throw invalidState(vm, 'Running, Teleporting or LiveSnapshotting');
      await ctx.runtime.pause(vm);
      setState(vm, 'paused');
      return;
    case 'resume':
      if (vm.state !== 'paused') throw invalidState(vm, 'Paused');
      await ctx.runtime.resume(vm);
      setState(vm, 'running');
      return;
    case 'poweroff':
      await ctx.runtime.kill(vm);
      setState(vm, 'poweroff');
      ctx.out.progress();
      return;
    case 'savestate':
      await ctx.runtime.pause(vm);
      setState(vm, 'saved');
      ctx.out.progress();
      return;
    case 'acpipowerbutton':
      // A paused guest sees the button once it runs again; one that ignores ACPI never does.
      if (vm.state === 'running' && !ctx.faults.ignoreAcpi) await ctx.runtime.acpiShutdown(vm);
      return;
    case 'acpisleepbutton':
      return;
    case 'reset':
      if (vm.state !== 'running') throw invalidState(vm, 'Running');
      await ctx.runtime.kill(vm);
      await ctx.runtime.powerOn(vm, ctx.registry);
      return;
    default:
      throw reader.syntax(`Invalid parameter '${action}'`);
  }
};

export const discardstate: Command = async (ctx) => {
  const reader = new ArgReader(ctx.args, ['VBoxManage discardstate <uuid | vmname>']);
  const vm = vmOf(ctx, reader.word('uuid | vmname'));
  if (vm.state !== 'saved') throw invalidState(vm, 'Saved');
  await ctx.runtime.kill(vm);
  setState(vm, 'poweroff');
};
