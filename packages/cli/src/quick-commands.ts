import {
  BERTH_VERSION,
  BerthContext,
  inspectMachine,
  machineDockerVersion,
  machineIp,
  machineState,
  machineUrl,
} from '@berth/core/one-machine';
import { isBerthError, STATE_DISPLAY_NAMES } from '@berth/driver-protocol';
import { argumentsOf, commandSpec, tokenize } from './command-line/index.js';
import { berthContextOptions, isDebugMode } from './context-options.js';
import { connectionErrorPrefix, ipErrorPrefix, stateErrorPrefix, writeError } from './error-output.js';
import { machineNamesOrDefault } from './machine-names.js';
import { machineConfigText, machineEnvText, openCheckedMachine } from './machine-output.js';
import { parentProcessNames } from './parent-processes.js';
import { detectShell } from './render/env-shell-detect.js';
import { renderInspect } from './render/inspect-json.js';

/**
 * The quick path: `env`, `config`, `url`, `ip`, `status`, `inspect` and `version` about one
 * machine, without flags, answered before oclif loads (and `ls`'s plain forms: quick-ls.ts). Scripts and shell prompts run `eval $(berth env)` all day, and oclif's
 * start-up (loading it, then its configuration and command table) is a third of such a call.
 *
 * It runs the very functions the commands use (machine-output.ts), and shows Berth's errors
 * (unknown machine, engine that does not answer, ...) with the commands' own prefixes and
 * renderer (error-output.ts) and exit status. Anything else (a flag, help, an unexpected
 * error) returns false, having printed nothing, and the command runs through oclif from the
 * start; these commands only read, so running one again is harmless.
 */

const QUICK_COMMANDS: ReadonlySet<string> = new Set(['env', 'config', 'url', 'ip', 'status', 'inspect', 'version']);

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
  // `ip` and `version` never fall back to the machine called `default`.
  return command === 'ip' ? names.length === 1 : names.length <= 1;
}

/** The program name in `env`'s hint: oclif's `config.bin`, as package.json states it. */
const PROGRAM_NAME = 'berth';

/** Answers `argv` if it is a quick form (output or Berth error); false means "run it through oclif". */
export async function answerQuickly(argv: readonly string[]): Promise<boolean> {
  if (argv[0] === 'ls') return (await import('./quick-ls.js')).answerLsQuickly(argv.slice(1));
  if (!isQuickForm(argv)) return false;
  const [command, ...names] = argv as [string, ...string[]];
  if (command === 'version' && names.length === 0) {
    process.stdout.write(`${PROGRAM_NAME} version ${BERTH_VERSION}\n`);
    return true;
  }
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
  let name: string | undefined;
  let output: string;
  try {
    [name] = (await machineNamesOrDefault(ctx, names)) as [string];
    output = await answerFor(ctx, command, name, shell);
  } catch (error) {
    if (!isBerthError(error)) return false;
    process.exitCode = writeError(error, { prefix: errorPrefixFor(command, name, error), debug: isDebugMode() });
    return true;
  } finally {
    await ctx.dispose();
  }
  process.stdout.write(output);
  return true;
}

/** The output of quick `command` about machine `name`, as the command's oclif class prints it. */
async function answerFor(ctx: BerthContext, command: string, name: string, shell: string): Promise<string> {
  switch (command) {
    case 'env':
      return machineEnvText(await openCheckedMachine(ctx, name), {
        shell,
        programName: PROGRAM_NAME,
        args: process.argv.slice(2),
      });
    case 'config':
      return machineConfigText(await openCheckedMachine(ctx, name));
    case 'ip':
      return `${await machineIp(ctx, name)}\n`;
    case 'url':
      return `${await machineUrl(ctx, name)}\n`;
    case 'status':
      return `${STATE_DISPLAY_NAMES[await machineState(ctx, name)]}\n`;
    case 'inspect':
      return renderInspect(await inspectMachine(ctx, name));
    default:
      return `${await machineDockerVersion(ctx, name)}\n`;
  }
}

/** The prefix each command's oclif class gives a Berth error (docker-machine's wording). */
function errorPrefixFor(command: string, name: string | undefined, error: Error & { code: string }): string {
  if (command === 'env' || command === 'config') return connectionErrorPrefix(command, error);
  if (command === 'ip') return ipErrorPrefix(error);
  if (command === 'status' && name !== undefined) return stateErrorPrefix(name, error);
  return '';
}
