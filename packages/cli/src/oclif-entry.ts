import { execute } from '@oclif/core';

// What oclif loads by name (package.json `oclif`) comes from this module, i.e. from the bundle's
// `oclif.js` entry, which main.ts imports only when a command needs oclif.
export { COMMANDS } from './commands-index.js';
export { default as BerthHelp } from './help.js';
export { default as commandNotFound } from './hooks/command-not-found.js';

/** Runs `argv` as an oclif command; `binUrl` is bin/run.cjs's URL, from which oclif finds package.json. */
export async function runOclif(argv: readonly string[], binUrl: string): Promise<void> {
  await execute({ args: [...argv], dir: binUrl });
}
