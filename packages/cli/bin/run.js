#!/usr/bin/env node
// Start-up stays cheap: nothing but oclif's entry point is loaded here.
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
