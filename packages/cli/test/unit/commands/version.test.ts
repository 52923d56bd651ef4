import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_VERSION } from '@berth/core';
import { runBerthOk } from '@berth/test-kit';
import { expect, it } from 'vitest';

it('berth version prints the version line docker-machine users know', async () => {
  const store = await mkdtemp(join(tmpdir(), 'berth-version-'));
  try {
    const { stdout, stderr } = await runBerthOk(['version'], { store });
    expect(stdout).toBe(`berth version ${BERTH_VERSION}\n`);
    expect(stderr).toBe('');
  } finally {
    await rm(store, { recursive: true, force: true });
  }
});
