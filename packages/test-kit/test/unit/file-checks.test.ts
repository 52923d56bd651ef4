import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pathExists, sha512File } from '../../src/index.js';

it('pathExists tells files and directories from nothing; sha512File hashes what is on disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-file-checks-'));
  try {
    const bytes = randomBytes(300_000);
    await writeFile(join(dir, 'disk'), bytes);
    expect(await pathExists(join(dir, 'disk'))).toBe(true);
    expect(await pathExists(dir)).toBe(true);
    expect(await pathExists(join(dir, 'none'))).toBe(false);
    expect(await sha512File(join(dir, 'disk'))).toBe(createHash('sha512').update(bytes).digest('hex'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
