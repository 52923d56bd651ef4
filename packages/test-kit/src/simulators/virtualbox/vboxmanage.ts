import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, type CommandContext, Output } from './command-context.js';
import { controlvm, discardstate, startvm } from './commands/control-commands.js';
import { list } from './commands/list-commands.js';
import { clonemedium, closemedium, convertfromraw, modifymedium, showmediuminfo } from './commands/media-commands.js';
import { dhcpserver, hostonlyif } from './commands/network-commands.js';
import { modifyvm, sharedfolder, storageattach, storagectl } from './commands/settings-commands.js';
import {
  createvm,
  getextradata,
  guestproperty,
  registervm,
  setextradata,
  showvminfo,
  unregistervm,
} from './commands/vm-commands.js';
import { readFaults, writeFaults } from './faults.js';
import { GuestRuntime } from './guest-runtime.js';
import { readRegistry, withRegistryLock, writeRegistry } from './registry.js';
import { CALLS_FILE, readSimConfig, type SimConfig } from './sim-config.js';
import { VBoxManageError, VBoxManageSyntaxError } from './vbox-errors.js';

const COMMANDS: Record<string, Command> = {
  list,
  showvminfo,
  createvm,
  registervm,
  unregistervm,
  modifyvm,
  storagectl,
  storageattach,
  sharedfolder,
  guestproperty,
  setextradata,
  getextradata,
  startvm,
  controlvm,
  discardstate,
  hostonlyif,
  dhcpserver,
  clonemedium,
  clonehd: clonemedium,
  clonevdi: clonemedium,
  convertfromraw,
  convertdd: convertfromraw,
  modifymedium,
  modifyhd: modifymedium,
  closemedium,
  showmediuminfo,
  showhdinfo: showmediuminfo,
};

const GENERAL_USAGE = [
  'VBoxManage [-V|--version] [--dump-build-type] [-q|--nologo] [--settingspw <pw>] [--settingspwfile <file>]',
  '           [@<response-file>] [<command>]',
  '',
  'Commands:',
  ...Object.keys(COMMANDS).map((name) => `  ${name}`),
];

/** What the vboxdrv check prints on a Linux host whose kernel module is missing (reference §3.1). */
const KERNEL_MODULE_WARNING = [
  'WARNING: The vboxdrv kernel module is not loaded. Either there is no module',
  '         available for the current kernel (6.1.0-18-amd64) or it failed to',
  '         load. Please recompile the kernel module and install it by',
  '',
  '           sudo /sbin/vboxconfig',
  '',
  '         You will not be able to start VMs until this problem is fixed.',
];

export interface Invocation {
  argv: string[];
  stateDir: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadableStream;
}

export interface InvocationResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function prefixOf(config: SimConfig): string {
  return config.platform === 'windows' ? 'VBoxManage.exe: error: ' : 'VBoxManage: error: ';
}

function render(config: SimConfig, out: Output, exitCode: number): InvocationResult {
  const eol = config.platform === 'windows' ? '\r\n' : '\n';
  const stdout = out.stdout.length > 0 ? `${out.stdout.join(eol)}${eol}` : '';
  const stderr = eol === '\n' ? out.stderr : out.stderr.replace(/\r?\n/g, eol);
  return { exitCode, stdout, stderr };
}

/** Turns a failure into VBoxManage's stderr and exit code. */
function failure(config: SimConfig, out: Output, error: unknown, exitZero: boolean): number {
  const prefix = prefixOf(config);
  if (error instanceof VBoxManageSyntaxError) {
    out.err(`Usage:\n\n${error.usage.join('\n')}\n\n${prefix}${error.message}\n`);
    return 2;
  }
  if (error instanceof VBoxManageError) {
    out.err(`${error.before}${error.lines.map((line) => `${prefix}${line}`).join('\n')}\n`);
    return exitZero ? 0 : 1;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  out.err(`${prefix}[VBoxManage simulator] internal error: ${detail}\n`);
  return 1;
}

/** Runs one VBoxManage invocation against the state dir, under the registry lock. */
export async function runVBoxManage(invocation: Invocation): Promise<InvocationResult> {
  const { argv, stateDir } = invocation;
  const config = await readSimConfig(stateDir);
  const out = new Output();
  const args = [...argv];
  while (args[0] === '-q' || args[0] === '--nologo') args.shift();
  const [commandWord, ...rest] = args;
  const exitCode = await withRegistryLock(stateDir, async () => {
    const faults = await readFaults(stateDir);
    const registry = await readRegistry(stateDir);
    const runtime = new GuestRuntime(config, stateDir);
    await runtime.settle(registry);
    const settled = structuredClone(registry);
    if (faults.objectNotReady > 0) {
      await writeFaults(stateDir, { ...faults, objectNotReady: faults.objectNotReady - 1 });
      await writeRegistry(stateDir, settled);
      return failure(config, out, new VBoxManageError('E_ACCESSDENIED', ['The object is not ready']), false);
    }
    if (commandWord === '--version' || commandWord === '-v' || commandWord === '-V' || commandWord === '-version') {
      if (faults.kernelModuleMissing && config.platform === 'linux') out.out(...KERNEL_MODULE_WARNING);
      out.out(config.version);
      return 0;
    }
    const command = commandWord ? COMMANDS[commandWord.toLowerCase()] : undefined;
    try {
      if (!command) {
        throw new VBoxManageSyntaxError(
          commandWord ? `Invalid command '${commandWord}'` : 'No command specified',
          GENERAL_USAGE,
        );
      }
      const ctx: CommandContext = {
        args: rest,
        config,
        faults,
        registry,
        stateDir,
        env: invocation.env,
        out,
        runtime,
        cwd: invocation.cwd,
        stdin: invocation.stdin,
      };
      await command(ctx);
      await writeRegistry(stateDir, registry);
      return 0;
    } catch (error) {
      // A failed command changes nothing, but what settling found stays.
      await writeRegistry(stateDir, settled);
      return failure(config, out, error, faults.fatalErrorExitZero);
    }
  });
  return render(config, out, exitCode);
}

/** One JSON line per invocation in calls.log (tests and the bench count processes with it). */
export async function recordCall(stateDir: string, argv: string[], exitCode: number, startedAt: number): Promise<void> {
  const line = JSON.stringify({
    tool: 'VBoxManage',
    argv,
    exitCode,
    at: startedAt,
    durationMs: Date.now() - startedAt,
  });
  await appendFile(join(stateDir, CALLS_FILE), `${line}\n`);
}
