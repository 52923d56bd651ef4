import { BerthContext, machineIp, machineUrl } from '@berth/core/one-machine';
import { isBerthError } from '@berth/driver-protocol';
import { argumentsOf, commandSpec, tokenize } from './command-line/index.js';
import { berthContextOptions, isDebugMode } from './context-options.js';
import { connectionErrorPrefix, ipErrorPrefix, writeError } from './error-output.js';
import { machineNamesOrDefault } from './machine-names.js';
import { machineConfigText, machineEnvText, openCheckedMachine } from './machine-output.js';
import { parentProcessNames } from './parent-processes.js';
import { detectShell } from './render/env-shell-detect.js';

/**
 * The quick path: `env`, `config`, `url` and `ip` about one machine, without flags, answered
 * before oclif loads. Scripts and shell prompts run `eval $(berth env)` all day, and oclif's
 * start-up (loading it, then its configuration and command table) is a third of such a call.
 *
 * It runs the very functions the commands use (machine-output.ts), and shows Berth's errors
 * (unknown machine, engine that does not answer, ...) with the commands' own prefixes and
 * renderer (error-output.ts) and exit status. Anything else (a flag, help, an unexpected
 * error) returns false, having printed nothing, and the command runs through oclif from the
 * start; these commands only read, so running one again is harmless.
 */

const QUICK_COMMANDS: ReadonlySet<string> = new Set(['env', 'config', 'url', 'ip']);

/** Whether `argv` (command first, global flags removed) is one of the quick forms: no flags, one machine at most. */
export function isQuickForm(argv: readonly string[]): boolean {
  const [command, ...rest] = argv;
  const spec = command !== undefined && QUICK_COMMANDS.has(command) ? commandSpec(command) : undefined;
  if (spec === undefined) return false;
  const read = tokenize(rest, spec.flags);
  if (read.fault || read.dashdash || read.unknownFlags.length > 0) return false;
  if (read.tokens.some((token) => token.type === 'flag')) return false;
  const names = argumentsOf(read);
  // `-` and negative numbers read as arguments; not names a quick answer is worth risking on.
  if (names.some((name) => name.startsWith('-'))) return false;
  return command === 'ip' ? names.length === 1 : names.length <= 1;
}

/** The program name in `env`'s hint: oclif's `config.bin`, as package.json states it. */
const PROGRAM_NAME = 'berth';

/** Answers `argv` if it is a quick form (output or Berth error); false means "run it through oclif". */
export async function answerQuickly(argv: readonly string[]): Promise<boolean> {
  if (!isQuickForm(argv)) return false;
  const [command, ...names] = argv as [string, ...string[]];
  let shell = '';
  if (command === 'env') {
    const detected = detectShell({
      platform: process.platform,
      env: process.env,
      ancestorProcessNames: parentProcessNames(),
    });
    if (!detected.ok) return false;
    shell = detected.shell;
  }
  const ctx = BerthContext.open(berthContextOptions((line) => process.stdout.write(`${line}\n`)));
  let output: string;
  try {
    const [name] = (await machineNamesOrDefault(ctx, names)) as [string];
    if (command === 'env' || command === 'config') {
      const machine = await openCheckedMachine(ctx, name);
      output =
        command === 'env'
          ? machineEnvText(machine, { shell, programName: PROGRAM_NAME, args: process.argv.slice(2) })
          : machineConfigText(machine);
    } else {
      output = `${command === 'ip' ? await machineIp(ctx, name) : await machineUrl(ctx, name)}\n`;
    }
  } catch (error) {
    if (!isBerthError(error)) return false;
    const prefix =
      command === 'env' || command === 'config'
        ? connectionErrorPrefix(command, error)
        : command === 'ip'
          ? ipErrorPrefix(error)
          : '';
    process.exitCode = writeError(error, { prefix, debug: isDebugMode() });
    return true;
  } finally {
    await ctx.dispose();
  }
  process.stdout.write(output);
  return true;
}
