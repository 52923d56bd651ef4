#!/usr/bin/env node
// berth starts in dist/bundle/quick.cjs (built by scripts/bundle.mjs): start-up and the quick path
// as one CommonJS file, which Node loads faster than ES modules, compiled from V8's code cache
// (code-cache.cjs); the rest loads from there. This file is CommonJS too: an ES module importing
// quick.cjs would have Node scan it for its exports.
const { loadWithCodeCache } = require('./code-cache.cjs');
const quick = loadWithCodeCache(require('node:path').join(__dirname, '../dist/bundle/quick.cjs')).exports;
quick.quickMain(require('node:url').pathToFileURL(__filename).href);
