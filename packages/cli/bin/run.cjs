#!/usr/bin/env node
// berth starts in dist/bundle/quick.cjs (built by scripts/bundle.mjs): start-up and the quick path
// as one CommonJS file, which Node loads faster than ES modules; the rest loads from there. This
// file is CommonJS too: an ES module importing quick.cjs would have Node scan it for its exports.
require('../dist/bundle/quick.cjs').quickMain(require('node:url').pathToFileURL(__filename).href);
