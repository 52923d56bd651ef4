#!/usr/bin/env node
// Bundles the compiled CLI (packages/cli/dist/main.js, after `tsc -b`) and everything it imports
// into packages/cli/dist/bundle/: berth.js plus chunks for what loads on demand (each built-in
// driver, node-forge, ...). Node then reads a few files at start-up instead of some 500 modules.
// Then writes packages/cli/oclif.manifest.json from it.
//
// Left out, loaded from node_modules when used: ssh2 and cpu-features (optional native add-ons,
// found relative to their own files), the AWS SDK (large, and only the EC2 driver needs it) and
// typescript (oclif reads a tsconfig.json with it only when run from TypeScript sources).
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { build } from 'esbuild';

const cli = fileURLToPath(new URL('../packages/cli/', import.meta.url));
const outdir = `${cli}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
await build({
  // berth.js: start-up and the quick path; oclif.js: oclif and the commands, imported when needed.
  entryPoints: { berth: `${cli}dist/main.js`, oclif: `${cli}dist/oclif-entry.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['ssh2', 'cpu-features', '@aws-sdk/*', '@smithy/*', '@aws-crypto/*', 'typescript'],
  // CommonJS dependencies (node-forge, ...) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'linked',
});

// oclif.manifest.json: every command's flags and args, so oclif does not work them out from the
// command classes at each start (about 10 ms). Made from the bundle just built, never kept stale.
const plugin = new Plugin({ root: cli, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
await plugin.load();
// oclif's manifest leaves out multipleNonGreedy, which says whether a repeatable option takes the
// arguments after its value as more values; berth's early command-line reader needs it.
for (const [id, command] of Object.entries(plugin.manifest.commands)) {
  const loaded = await plugin.findCommand(id, { must: true });
  for (const [name, flag] of Object.entries(loaded.flags ?? {})) {
    if (flag.multipleNonGreedy && command.flags[name]) command.flags[name].multipleNonGreedy = true;
  }
}
await writeFile(`${cli}oclif.manifest.json`, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
