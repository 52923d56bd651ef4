import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BERTH_VERSION } from '@berth/core';
import { expect, it } from 'vitest';

const run = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

it('berth version prints the version line docker-machine users know', async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [run, 'version']);
  expect(stdout).toBe(`berth version ${BERTH_VERSION}\n`);
  expect(stderr).toBe('');
});
