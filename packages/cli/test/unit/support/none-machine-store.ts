import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerthOk } from '@berth/test-kit';
import { afterAll, beforeAll } from 'vitest';

/**
 * For the enclosing describe block: a temporary store holding the `none` machine `web` at `url`,
 * made by the real `berth create`, and MACHINE_STORAGE_PATH pointing at it (restored after).
 */
export function useNoneMachineStore(url: string): { readonly path: string } {
  const store = { path: '' };
  const saved = process.env.MACHINE_STORAGE_PATH;
  beforeAll(async () => {
    store.path = await mkdtemp(join(tmpdir(), 'berth-unit-'));
    await runBerthOk(['create', '-d', 'none', '--url', url, 'web'], { store: store.path });
    process.env.MACHINE_STORAGE_PATH = store.path;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.MACHINE_STORAGE_PATH;
    else process.env.MACHINE_STORAGE_PATH = saved;
    await rm(store.path, { recursive: true, force: true });
  });
  return store;
}
