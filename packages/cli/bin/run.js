#!/usr/bin/env node
// Start-up stays cheap: only the import-free global-flag parser and oclif's entry point load here,
// plus, for the quick commands about one machine, what starts that machine's driver early.
import { parseGlobalFlags } from '../dist/global-flags.js';

const parsed = parseGlobalFlags(process.argv.slice(2));
if (parsed.error) {
  process.stderr.write(`Incorrect Usage: ${parsed.error}\n\nRun 'berth --help' for the global options.\n`);
  process.exit(1);
}
Object.assign(process.env, parsed.env);
const argv = parsed.argv.length > 0 ? parsed.argv : ['--help'];
// The driver, a Node process too, starts while oclif loads (see src/early-context.ts).
const early = await import('../dist/early-context.js');
await early.startEarly(argv);
// On import, oclif checks the Node version against its own `engines` with semver, and loading
// semver alone takes ~30 ms; our package.json states the Node we need.
const engineCheck = process.env.OCLIF_DISABLE_ENGINE_WARNING;
process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
const { execute } = await import('@oclif/core');
if (engineCheck === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineCheck;
try {
  await execute({ args: argv, dir: import.meta.url });
} finally {
  await early.disposeUntakenContext();
  // Work nobody waits for any more (a call to an in-process driver that timed out) must not keep
  // berth from exiting; the timer is unref'd, so it fires only if something still lingers.
  setTimeout(() => process.exit(), 2000).unref();
}
