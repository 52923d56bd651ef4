import {
  argumentsOf,
  type FlagSpec,
  type FlagSpecs,
  type ManifestCommand,
  type Tokenized,
  tokenize,
} from '../command-line/index.js';
import { GLOBAL_OPTIONS, parseGlobalFlags } from '../global-flags.js';
import { COMPLETION_SHELLS } from './shell-scripts.js';

/** One completion: the word, and what it is (shells that show descriptions, zsh and fish, show it). */
export interface Candidate {
  value: string;
  description?: string;
}

/** What completion asks of the outside world; completion-sources.ts gives the real ones. */
export interface CompletionSources {
  /** Every command, as the manifest states it. */
  commands: readonly ManifestCommand[];
  /** The machines of the store that `env` (the global options typed so far, as variables) names. */
  machineNames(env: Readonly<Record<string, string>>): Promise<string[]>;
  /** Built-in drivers and `berth-driver-*` executables found. */
  driverNames(env: Readonly<Record<string, string>>): Promise<Candidate[]>;
  /** Driver `name`'s create flags (empty when it cannot be started). */
  driverFlags(name: string, env: Readonly<Record<string, string>>): Promise<readonly DriverFlag[]>;
}

/** A driver's create flag, as completion needs it. */
export interface DriverFlag {
  name: string;
  summary: string;
  boolean: boolean;
}

type FlagInfo = Readonly<Record<string, { readonly summary?: string; readonly hidden?: boolean }>>;

/** How a command's arguments name machines. */
type MachineArguments = 'none' | 'one' | 'many' | 'colon';

/**
 * Which commands take machine names, and how. Commands not listed take any number of machine
 * names, as most of docker-machine's verbs do; `scp` and `mount` name them as `machine:path`.
 */
const MACHINE_ARGUMENTS: Readonly<Record<string, MachineArguments>> = {
  active: 'none',
  autocomplete: 'none',
  create: 'none',
  ls: 'none',
  config: 'one',
  env: 'one',
  inspect: 'one',
  status: 'one',
  url: 'one',
  version: 'one',
  ssh: 'one',
  'ssh-config': 'one',
  use: 'one',
  scp: 'colon',
  mount: 'colon',
};

/** Commands whose arguments are words of a fixed set, given the arguments before. */
const ARGUMENT_CHOICES: Readonly<Record<string, (given: readonly string[]) => readonly string[]>> = {
  autocomplete: (given) =>
    given.length === 0
      ? ['script', ...COMPLETION_SHELLS]
      : given.length === 1 && given[0] === 'script'
        ? COMPLETION_SHELLS
        : [],
};

/** `ls --filter` keys (docker-machine's), completed with their `=`. */
const LS_FILTER_KEYS = ['driver', 'label', 'name', 'state', 'swarm'];

/**
 * The candidates for the last of `words` (the words after `berth`, the last being the one under
 * the cursor, possibly empty): global options, commands, a command's flags, a flag's values
 * (drivers for `create -d`, machines for `--swarm-join`, a flag's fixed choices), and machine
 * names where a command takes them. Each candidate is a whole word that starts with the current one
 * (`--driver=generic` for `--driver=g`). Nothing means "no idea": the shell then completes paths.
 */
export async function completeWords(words: readonly string[], sources: CompletionSources): Promise<Candidate[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const globals = parseGlobalFlags(before);
  // A value of a global option (`-s DIR`) is a path; after `--help` nothing follows.
  if (globals.error || globals.argv[0] === '--help') return [];
  const env = globals.env;
  const [commandWord, ...afterCommand] = globals.argv;
  if (commandWord === undefined) {
    if (current.startsWith('-')) return matching(current, flagCandidates(GLOBAL_OPTIONS, {}, undefined));
    return matching(current, commandCandidates(sources.commands, ''));
  }
  const resolved = resolveCommand(sources.commands, commandWord, afterCommand);
  if (resolved === undefined) return [];
  const { command, rest } = resolved;
  let flags: FlagSpecs = command.flags;
  let info: FlagInfo = command.flags;
  // `create`'s flags are the driver's too: asked of the driver only when a flag is being typed.
  if (command.id === 'create' && current.startsWith('-')) {
    const driver = tokenize(rest, flags).tokens.find((token) => token.type === 'flag' && token.flag === 'driver');
    const driverFlags = await sources.driverFlags(driver?.input ?? env.MACHINE_DRIVER ?? 'virtualbox', env);
    flags = { ...flags, ...Object.fromEntries(driverFlags.map((flag) => [flag.name, flagSpec(flag)])) };
    info = { ...info, ...Object.fromEntries(driverFlags.map((flag) => [flag.name, { summary: flag.summary }])) };
  }
  const read = tokenize(rest, flags);
  if (read.fault?.kind === 'missing-value') {
    return matching(current, await flagValues(command, read.fault.flag, sources, env));
  }
  if (!read.dashdash && current.startsWith('--') && current.includes('=')) {
    const equals = current.indexOf('=');
    const name = current.slice(2, equals);
    const values = await flagValues(command, name, sources, env);
    return matching(
      current,
      values.map((value) => ({ ...value, value: `${current.slice(0, equals + 1)}${value.value}` })),
    );
  }
  if (!read.dashdash && current.startsWith('-')) return matching(current, flagCandidates(flags, info, read));
  const subcommands = rest.length === 0 ? commandCandidates(sources.commands, `${command.id}:`) : [];
  return matching(current, [...subcommands, ...(await argumentValues(command, read, current, sources, env))]);
}

/** The command the words name (`autocomplete script` is `autocomplete:script`), and the words after it. */
function resolveCommand(
  commands: readonly ManifestCommand[],
  first: string,
  after: readonly string[],
): { command: ManifestCommand; rest: string[] } | undefined {
  const byId = new Map(commands.map((command) => [command.id, command]));
  let id = first;
  let used = 0;
  while (used < after.length && byId.has(`${id}:${after[used]}`)) {
    id = `${id}:${after[used]}`;
    used += 1;
  }
  const command = byId.get(id);
  return command && { command, rest: after.slice(used) };
}

/** Commands whose id starts with `prefix` (`''`: top level), by their next id segment, hidden ones left out. */
function commandCandidates(commands: readonly ManifestCommand[], prefix: string): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const command of commands) {
    if (command.hidden || !command.id.startsWith(prefix)) continue;
    const segment = command.id.slice(prefix.length).split(':')[0] as string;
    const own = commands.find((other) => other.id === `${prefix}${segment}`);
    if (!seen.has(segment)) seen.set(segment, described(segment, own?.summary ?? own?.description));
  }
  return [...seen.values()];
}

/** `--name` of every flag not given yet (a repeatable one always), with its summary. */
function flagCandidates(flags: FlagSpecs, info: FlagInfo, read: Tokenized | undefined): Candidate[] {
  const given = new Set(read?.tokens.flatMap((token) => (token.type === 'flag' ? [token.flag] : [])) ?? []);
  return Object.values(flags)
    .filter((flag) => !info[flag.name]?.hidden && (flag.multiple || !given.has(flag.name)))
    .map((flag) => described(`--${flag.name}`, info[flag.name]?.summary))
    .sort((a, b) => (a.value < b.value ? -1 : 1));
}

async function flagValues(
  command: ManifestCommand,
  flag: string,
  sources: CompletionSources,
  env: Readonly<Record<string, string>>,
): Promise<Candidate[]> {
  if (command.id === 'create' && flag === 'driver') return sources.driverNames(env);
  if (command.id === 'create' && flag === 'swarm-join') return machines(await sources.machineNames(env));
  if (command.id === 'ls' && flag === 'filter') return LS_FILTER_KEYS.map((key) => ({ value: `${key}=` }));
  return (command.flags[flag]?.options ?? []).map((option) => ({ value: option }));
}

async function argumentValues(
  command: ManifestCommand,
  read: Tokenized,
  current: string,
  sources: CompletionSources,
  env: Readonly<Record<string, string>>,
): Promise<Candidate[]> {
  const given = argumentsOf(read);
  const choices = ARGUMENT_CHOICES[command.id];
  if (choices) return choices(given).map((choice) => ({ value: choice }));
  const declared = Object.values(command.args)[given.length];
  if (declared?.options) return declared.options.map((option) => ({ value: option }));
  const kind = MACHINE_ARGUMENTS[command.id] ?? 'many';
  if (kind === 'none' || (kind === 'one' && given.length > 0) || (read.dashdash && kind !== 'colon')) return [];
  // `scp web:/tmp/x`: past the colon is a path on the machine, which berth does not list.
  if (kind === 'colon' && current.includes(':')) return [];
  const names = await sources.machineNames(env);
  if (kind === 'colon') return names.map((name) => ({ value: `${name}:`, description: 'machine' }));
  return machines(names.filter((name) => !given.includes(name)));
}

function machines(names: readonly string[]): Candidate[] {
  return names.map((name) => ({ value: name, description: 'machine' }));
}

function described(value: string, description: string | undefined): Candidate {
  return description ? { value, description: description.split('\n')[0] as string } : { value };
}

/** A driver's flag as the command-line reader needs it. */
function flagSpec(flag: DriverFlag): FlagSpec {
  return { name: flag.name, type: flag.boolean ? 'boolean' : 'option' };
}

function matching(current: string, candidates: readonly Candidate[]): Candidate[] {
  return candidates.filter((candidate) => candidate.value.startsWith(current));
}
