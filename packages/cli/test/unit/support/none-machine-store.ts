import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

/** The real `berth` executable. */
export const BERTH_RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

/** Runs the real `berth` with `MACHINE_STORAGE_PATH=store` (and `env`); rejects on a non-zero exit. */
export function berthIn(
  store: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [BERTH_RUN, ...args], {
    env: { ...process.env, MACHINE_STORAGE_PATH: store, ...env },
  });
}

/**
 * For the enclosing describe block: a temporary store holding the `none` machine `web` at `url`,
 * made by the real `berth create`, and MACHINE_STORAGE_PATH pointing at it (restored after).
 */
export function useNoneMachineStore(url: string): { readonly path: string } {
  const store = { path: '' };
  const saved = process.env.MACHINE_STORAGE_PATH;
  beforeAll(async () => {
    store.path = await mkdtemp(join(tmpdir(), 'berth-unit-'));
    await berthIn(store.path, ['create', '-d', 'none', '--url', url, 'web']);
    process.env.MACHINE_STORAGE_PATH = store.path;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.MACHINE_STORAGE_PATH;
    else process.env.MACHINE_STORAGE_PATH = saved;
    await rm(store.path, { recursive: true, force: true });
  });
  return store;
}
