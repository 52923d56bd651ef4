import { execute } from '@oclif/core';
import { disposeUntakenContext, startEarly } from './early-context.js';
import { parseGlobalFlags } from './global-flags.js';

// What oclif loads by name (package.json `oclif`): from this module, i.e. from the bundle itself.
export { COMMANDS } from './commands-index.js';
export { default as BerthHelp } from './help.js';
export { default as commandNotFound } from './hooks/command-not-found.js';

/** The whole of `berth`: `binUrl` is bin/run.js's URL, from which oclif finds package.json. */
export async function main(binUrl: string): Promise<void> {
  const parsed = parseGlobalFlags(process.argv.slice(2));
  if (parsed.error) {
    process.stderr.write(`Incorrect Usage: ${parsed.error}\n\nRun 'berth --help' for the global options.\n`);
    process.exit(1);
  }
  Object.assign(process.env, parsed.env);
  const argv = parsed.argv.length > 0 ? parsed.argv : ['--help'];
  // A driver that runs as its own process starts while oclif loads (see early-context.ts).
  await startEarly(argv);
  try {
    await execute({ args: argv, dir: binUrl });
  } finally {
    await disposeUntakenContext();
    // Work nobody waits for any more (a call to an in-process driver that timed out) must not keep
    // berth from exiting; the timer is unref'd, so it fires only if something still lingers.
    setTimeout(() => process.exit(), 2000).unref();
  }
}
