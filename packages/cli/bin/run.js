#!/usr/bin/env node
// berth is a bundle (dist/bundle/, built by scripts/bundle.mjs from the compiled packages): loading
// a few files instead of some 500 modules saves most of a quick command's start-up.
const { main } = await import('../dist/bundle/berth.js');
await main(import.meta.url);
