#!/usr/bin/env node
// The least a Node program does to answer `ip NAME` of a generic machine: read the machine's
// config.json from the store and print its address. The bench times it beside `node -e ''` and
// berth's own one-machine commands: the floor no Node program can go under.
// Usage: store-read.cjs STORE NAME
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const [store, name] = process.argv.slice(2);
const config = JSON.parse(readFileSync(join(store, 'machines', name, 'config.json'), 'utf8'));
process.stdout.write(`${config.Driver.IPAddress}\n`);
