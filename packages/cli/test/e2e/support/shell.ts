import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '@berth/test-kit';
import { BERTH_BIN } from './berth.js';

/** A directory with a `berth` executable, to put on PATH for shell pipelines like `docker $(berth config m)`. */
export async function berthOnPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-bin-'));
  await writeFile(join(dir, 'berth'), `#!/bin/sh\nexec "${process.execPath}" "${BERTH_BIN}" "$@"\n`);
  await chmod(join(dir, 'berth'), 0o755);
  return dir;
}

/** Runs a bash script with the store and `berth` on PATH, as a user would type it. */
export function bash(script: string, store: string, binDir: string) {
  return runCommand('bash', ['-c', script], {
    env: { ...process.env, MACHINE_STORAGE_PATH: store, PATH: `${binDir}:${process.env.PATH}` },
    timeoutMs: 180_000,
  });
}
