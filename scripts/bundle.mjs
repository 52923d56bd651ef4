#!/usr/bin/env node
// Bundles the compiled CLI (packages/cli/dist/main.js, after `tsc -b`) and everything it imports
// into packages/cli/dist/bundle/: berth.js plus chunks for what loads on demand (each built-in
// driver, node-forge, ...). Node then reads a few files at start-up instead of some 500 modules.
// Then writes packages/cli/oclif.manifest.json from it.
//
// Left out, loaded from node_modules when used: ssh2 and cpu-features (optional native add-ons,
// found relative to their own files), the AWS SDK (large, and only the EC2 driver needs it) and
// typescript (oclif reads a tsconfig.json with it only when run from TypeScript sources).
import { readFileSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { build } from 'esbuild';
import { warmCodeCache } from './warm-code-cache.mjs';

const cli = fileURLToPath(new URL('../packages/cli/', import.meta.url));
const outdir = `${cli}dist/bundle`;

// Loaded from node_modules when used (see above).
const external = ['ssh2', 'cpu-features', '@aws-sdk/*', '@smithy/*', '@aws-crypto/*', 'typescript'];
// Built-in drivers that quick.cjs takes from the ES module bundle (an entry each, driver-NAME.js),
// so that they are not parsed at every quick start; `none` and `generic`, small and the most used, are in it.
const esmDrivers = ['digitalocean', 'amazonec2', 'virtualbox', 'hyperv', 'qemu'];

await rm(outdir, { recursive: true, force: true });
await build({
  // berth.js: start-up when the quick path does not answer; oclif.js: oclif and the commands,
  // imported when needed.
  entryPoints: {
    berth: `${cli}dist/main.js`,
    oclif: `${cli}dist/oclif-entry.js`,
    ...Object.fromEntries(esmDrivers.map((name) => [`driver-${name}`, driverEntry(name)])),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunks/[name]-[hash]',
  external,
  // CommonJS dependencies (node-forge, ...) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'linked',
});

// quick.cjs: what bin/run.cjs loads, start-up and the quick path as one CommonJS file (Node loads
// it some 15 ms faster than the same code as ES modules). The rest is the ES module bundle above.
await build({
  entryPoints: { quick: `${cli}dist/quick-main.js` },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  external,
  plugins: [
    intoEsmBundle(),
    lazyNodeModules(['http', 'https', 'tls', 'net', 'child_process', 'readline', 'crypto', 'os']),
  ],
  // The code finds the package (manifest, driver executables) from its own file's URL.
  // bin/code-cache.cjs passes __berthImport (see rewriteDynamicImports); required, the file imports itself.
  banner: {
    js: [
      "const __berthBundleUrl = require('node:url').pathToFileURL(__filename).href;",
      "const __berthImportFn = typeof __berthImport === 'function' ? __berthImport : (specifier) => import(specifier);",
    ].join('\n'),
  },
  define: { 'import.meta.url': '__berthBundleUrl' },
  logLevel: 'warning',
  legalComments: 'linked',
});

rewriteDynamicImports(`${outdir}/quick.cjs`);

/**
 * quick.cjs's `import("...")` calls become `__berthImportFn("...")`: compiled by
 * bin/code-cache.cjs through vm, the file's own import() would need an experimental flag.
 * esbuild has no option for this.
 */
function rewriteDynamicImports(file) {
  const source = readFileSync(file, 'utf8');
  const rewritten = source.replace(/\bimport\(("[^"\n]+")\)/g, '__berthImportFn($1)');
  const left = rewritten.match(/\bimport\(/g)?.length ?? 0;
  if (left > 1)
    throw new Error(`${file}: ${left - 1} import() calls with no string literal, which code-cache.cjs cannot serve`);
  writeFileSync(file, rewritten);
}

/** The compiled entry of built-in driver package `name`. */
function driverEntry(name) {
  return fileURLToPath(new URL(`../packages/driver-${name}/dist/index.js`, import.meta.url));
}

/**
 * quick-main.ts's import of main.js, and the drivers in esmDrivers, resolve to the ES module
 * bundle's files beside quick.cjs, so each exists once and nothing is loaded twice.
 */
function intoEsmBundle() {
  return {
    name: 'into-esm-bundle',
    setup(b) {
      b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
        args.importer.endsWith('quick-main.js') ? { path: './berth.js', external: true } : undefined,
      );
      b.onResolve({ filter: /^@berth\/driver-[a-z0-9]+$/ }, (args) => {
        const name = args.path.slice('@berth/driver-'.length);
        return esmDrivers.includes(name) ? { path: `./driver-${name}.js`, external: true } : undefined;
      });
    },
  };
}

/**
 * The Node modules named are required on first use of one of their exports: the HTTP parser behind
 * `http`, `https` and `tls` costs a few milliseconds to load, and a quick command about a
 * machine that is not running never opens a connection. esbuild has no option for this.
 */
function lazyNodeModules(names) {
  const pattern = new RegExp(`^(node:)?(${names.join('|')})$`);
  return {
    name: 'lazy-node-modules',
    setup(b) {
      b.onResolve({ filter: pattern }, (args) =>
        args.namespace === 'lazy-node'
          ? { path: args.path, external: true }
          : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-node' },
      );
      b.onLoad({ filter: /.*/, namespace: 'lazy-node' }, async (args) => {
        const keys = Object.keys(await import(`node:${args.path}`)).filter((key) => key !== 'default');
        const getter = (key, value) =>
          `Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => ${value} });`;
        const contents = [
          `let loaded;\nconst load = () => (loaded ??= require('node:${args.path}'));`,
          ...keys.map((key) => getter(key, `load()[${JSON.stringify(key)}]`)),
          getter('default', 'load()'),
        ].join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}

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

warmCodeCache(cli);
