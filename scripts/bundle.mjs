#!/usr/bin/env node
// Bundles the compiled CLI (packages/cli/dist/main.js, after `tsc -b`) and everything it imports
// into packages/cli/dist/bundle/: berth.js plus chunks for what loads on demand (each built-in
// driver, node-forge, ...). Node then reads a few files at start-up instead of some 500 modules.
//
// Left out, loaded from node_modules when used: ssh2 and cpu-features (optional native add-ons,
// found relative to their own files), the AWS SDK (large, and only the EC2 driver needs it) and
// typescript (oclif reads a tsconfig.json with it only when run from TypeScript sources).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cli = fileURLToPath(new URL('../packages/cli/', import.meta.url));
const outdir = `${cli}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { berth: `${cli}dist/main.js` },
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
