#!/usr/bin/env node
// Start-up stays cheap: only the import-free global-flag parser and oclif's entry point load here.
import { parseGlobalFlags } from '../dist/global-flags.js';

const parsed = parseGlobalFlags(process.argv.slice(2));
if (parsed.error) {
  process.stderr.write(`Incorrect Usage: ${parsed.error}\n\nRun 'berth --help' for the global options.\n`);
  process.exit(1);
}
Object.assign(process.env, parsed.env);
const { execute } = await import('@oclif/core');
await execute({ args: parsed.argv.length > 0 ? parsed.argv : ['--help'], dir: import.meta.url });
