import { BerthContext, listMachines, loadMachine, type MachineListEntry } from '@berth/core/one-machine';
import { argumentsOf, asksForHelp, commandSpec, flagInputs, type Tokenized, tokenize } from './command-line/index.js';
import { berthContextOptions } from './context-options.js';

/**
 * A driver that runs as its own process (a third-party driver, or a built-in under
 * BERTH_ISOLATE_DRIVERS=1) takes about as long to start as berth itself. For the commands about
 * one machine, and for `ls`, main() opens the command's context and starts those drivers before
 * it loads oclif, so both start side by side; the command then takes this context
 * (BerthCommand.context()) and finds its drivers running or nearly so. Built-in drivers are served
 * in berth's process and start nothing here. Still one driver process per driver per command.
 */

/** Commands about one machine: the first argument, else `default` (`version` alone is Berth's version). */
const MACHINE_COMMANDS: ReadonlySet<string> = new Set([
  'config',
  'env',
  'inspect',
  'ip',
  'ssh',
  'status',
  'url',
  'version',
]);

/** argv after the command, read with the command's flags; undefined for help or what oclif will refuse. */
function readCommand(command: string, rest: readonly string[]): Tokenized | undefined {
  const spec = commandSpec(command);
  if (spec === undefined || asksForHelp(rest)) return undefined;
  const read = tokenize(rest, spec.flags);
  return read.fault === undefined ? read : undefined;
}

/** The machine `argv` (command first, global flags removed) is about, if it is one of those commands. */
export function earlyMachineName(argv: readonly string[]): string | undefined {
  const [command, ...rest] = argv;
  if (command === undefined || !MACHINE_COMMANDS.has(command)) return undefined;
  const read = readCommand(command, rest);
  if (read === undefined || flagInputs(read, 'unset').length > 0) return undefined;
  return argumentsOf(read)[0] ?? (command === 'version' ? undefined : 'default');
}

/**
 * Whether `argv` is an `ls` that probes every machine: not `-q` (no probes unless filtering on
 * state) and not `--filter` (the drivers of filtered-out machines are not needed).
 */
export function isEarlyLs(argv: readonly string[]): boolean {
  const [command, ...rest] = argv;
  const read = command === 'ls' ? readCommand(command, rest) : undefined;
  return read !== undefined && flagInputs(read, 'quiet').length === 0 && flagInputs(read, 'filter').length === 0;
}

let early: Promise<BerthContext | undefined> | undefined;
let earlyListing: Promise<MachineListEntry[]> | undefined;
let taken = false;
let progress: (line: string) => void = (line) => {
  process.stdout.write(`${line}\n`);
};

/**
 * Opens the context of a command about one machine, or of `ls`, and starts the drivers it needs;
 * resolves once they are spawned (or could not be), not when they are ready. Never throws: what
 * fails here fails again, with its proper message, when the command does the same.
 */
export async function startEarly(argv: readonly string[]): Promise<void> {
  const name = earlyMachineName(argv);
  const ls = name === undefined && isEarlyLs(argv);
  if (name === undefined && !ls) return;
  const spawned = new Map<string, () => void>();
  const spawn = (driver: string) => new Promise<void>((resolve) => spawned.set(driver, resolve));
  early = (async () => {
    const options = berthContextOptions((line) => progress(line));
    const onSpawn = ({ driver }: { driver: string }) => spawned.get(driver)?.();
    const ctx = BerthContext.open({ ...options, driverHost: { ...options.driverHost, onSpawn } });
    try {
      let drivers: string[];
      if (ls) {
        earlyListing = listMachines(ctx.store);
        const entries = await earlyListing;
        drivers = [...new Set(entries.flatMap((entry) => (entry.ok ? [entry.machine.config.DriverName] : [])))];
      } else {
        drivers = [(await loadMachine(ctx.store, name as string)).config.DriverName];
      }
      await Promise.all(drivers.map((driver) => Promise.race([spawn(driver), ctx.drivers.get(driver)])));
    } catch {
      // No such machine, or a driver cannot start: the command will say so.
    }
    return ctx;
  })().catch(() => undefined);
  await early;
}

/** The context startEarly opened, once; later progress lines go through `log`. */
export async function takeEarlyContext(log: (line: string) => void): Promise<BerthContext | undefined> {
  if (taken || early === undefined) return undefined;
  taken = true;
  progress = log;
  return early;
}

/** For `ls` in the early context: the store's machines, as startEarly listed them. */
export function takeEarlyListing(): Promise<MachineListEntry[]> | undefined {
  const listing = earlyListing;
  earlyListing = undefined;
  return listing;
}

/** Ends the early context if no command took it (e.g. the command failed before opening its context). */
export async function disposeUntakenContext(): Promise<void> {
  if (taken || early === undefined) return;
  taken = true;
  await (await early)?.dispose();
}
