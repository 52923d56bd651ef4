// Every test file's processes (berth spawned directly, the docker CLI) see a DOCKER_CONFIG of
// their own: berth writes docker contexts, and a test must never write the real ~/.docker.
// Tests of contexts set DOCKER_CONFIG themselves. One per file, removed after it: vitest ends its
// workers without running their 'exit' handlers, so a per-process one was left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'berth-test-docker-config-'));
const before = process.env.DOCKER_CONFIG;
process.env.DOCKER_CONFIG = dir;
afterAll(() => {
  if (process.env.DOCKER_CONFIG === dir) {
    if (before === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = before;
  }
  rmSync(dir, { recursive: true, force: true });
});
