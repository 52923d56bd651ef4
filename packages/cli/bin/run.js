#!/usr/bin/env node
// berth is one bundle (dist/bundle/berth.js, built by scripts/bundle.mjs from the compiled
// packages): loading one file instead of some 500 modules saves most of a quick command's start-up.
//
// On import, oclif checks the Node version against its own `engines` with semver (~30 ms); our
// package.json states the Node we need, so that check is skipped.
const engineCheck = process.env.OCLIF_DISABLE_ENGINE_WARNING;
process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
const { main } = await import('../dist/bundle/berth.js');
if (engineCheck === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineCheck;
await main(import.meta.url);
