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

/**
 * Runs a bash script with the store and `berth` on PATH, as a user would type it. SHELL is
 * left unset, as under cron and CI runners: `berth env` must find the shell by itself.
 */
export function bash(script: string, store: string, binDir: string) {
  const { SHELL: _unset, ...env } = process.env;
  return runCommand('bash', ['-c', script], {
    env: { ...env, MACHINE_STORAGE_PATH: store, PATH: `${binDir}:${process.env.PATH}` },
    timeoutMs: 180_000,
  });
}
