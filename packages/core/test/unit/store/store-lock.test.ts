import { mkdir, readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreLockedError } from '../../../src/errors/store-errors.js';
import { loadMachine } from '../../../src/store/load-machine.js';
import { newHostConfig } from '../../../src/store/new-host-config.js';
import { saveMachine } from '../../../src/store/save-machine.js';
import { machineLockPath, type Store, storeAt } from '../../../src/store/store-layout.js';
import { caLockPath, withCaLock, withMachineLock } from '../../../src/store/store-lock.js';
import { updateMachine } from '../../../src/store/update-machine.js';
import { makeTempDir, removeTempDir } from './support/fixture-store.js';
import { here, runNode } from './support/run-node.js';

let tmp: string;
let store: Store;

beforeEach(async () => {
  tmp = await makeTempDir();
  store = storeAt(join(tmp, 'store'));
  await saveMachine(store, newHostConfig({ store, name: 'm', driverName: 'none', driver: {} }));
});

afterEach(async () => {
  await removeTempDir(tmp);
});

const labelsOf = async () => (await loadMachine(store, 'm')).config.HostOptions.EngineOptions.Labels ?? [];

describe('withMachineLock', () => {
  it('serialises read-modify-write from concurrent async tasks: no lost update', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        updateMachine(store, 'm', async (config) => {
          const labels = config.HostOptions.EngineOptions.Labels ?? [];
          await sleep(2); // widen the window a lost update would need
          config.HostOptions.EngineOptions.Labels = [...labels, `t${i}`];
          return undefined;
        }),
      ),
    );
    expect((await labelsOf()).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
  });

  it('serialises writers in several processes; readers always see valid JSON', async () => {
    const workers = 4;
    const perWorker = 8;
    const configPath = join(store.machinesDir, 'm', 'config.json');
    let running = true;
    let reads = 0;
    const reader = (async () => {
      while (running) {
        JSON.parse(await readFile(configPath, 'utf8'));
        reads += 1;
        await sleep(1);
      }
    })();

    const script = here(import.meta.url, './support/update-worker.mjs');
    const runs = await Promise.all(
      Array.from({ length: workers }, (_, w) => runNode(script, [store.root, 'm', `w${w}`, String(perWorker)])),
    );
    running = false;
    await reader;

    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0, stdout: 'done\n' });
    const labels = await labelsOf();
    expect(labels).toHaveLength(workers * perWorker);
    expect(new Set(labels).size).toBe(workers * perWorker);
    expect(reads).toBeGreaterThan(0);
  }, 60_000);

  it('gives up after the bounded wait with a StoreLockedError naming the lock', async () => {
    let releaseHolder: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      releaseHolder = resolve;
    });
    let signalAcquired: () => void = () => undefined;
    const acquired = new Promise<void>((resolve) => {
      signalAcquired = resolve;
    });
    const holder = withMachineLock(store, 'm', async () => {
      signalAcquired();
      await held;
    });
    await acquired;

    const started = Date.now();
    const error = await withMachineLock(store, 'm', async () => 'never', { waitMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toBeInstanceOf(StoreLockedError);
    const locked = error as StoreLockedError;
    expect(locked.code).toBe('StoreLocked');
    expect(locked.data.problem).toBe('timeout');
    expect(locked.lockPath).toBe(machineLockPath(store, 'm'));
    expect(locked.message).toContain(machineLockPath(store, 'm'));
    expect(locked.actions.join('\n')).toContain(machineLockPath(store, 'm'));

    releaseHolder();
    await holder;
    // Released: the next taker gets it at once.
    expect(await withMachineLock(store, 'm', async () => 'ok', { waitMs: 0 })).toBe('ok');
  });

  it('releases the lock when the work throws', async () => {
    await expect(
      withMachineLock(store, 'm', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await withMachineLock(store, 'm', async () => 1, { waitMs: 0 })).toBe(1);
  });

  it('takes over a lock left behind by a crashed process once it is stale', async () => {
    const lockPath = machineLockPath(store, 'm');
    await mkdir(lockPath);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    expect(await withMachineLock(store, 'm', async () => 'taken', { waitMs: 0, staleMs: 5_000 })).toBe('taken');
  });

  it('keeps the lock hidden next to the machine and creates machines/ if needed', async () => {
    const fresh = storeAt(join(tmp, 'fresh'));
    let seen = false;
    await withMachineLock(fresh, 'new', async () => {
      seen = (await stat(machineLockPath(fresh, 'new'))).isDirectory();
    });
    expect(seen).toBe(true);
    expect(machineLockPath(fresh, 'new')).toBe(join(fresh.machinesDir, '.new.lock'));
  });
});

describe('withCaLock', () => {
  it('uses <certs>/.ca.lock and excludes concurrent holders', async () => {
    const certsDir = join(tmp, 'certs');
    expect(caLockPath(certsDir)).toBe(join(certsDir, '.ca.lock'));
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withCaLock(certsDir, async () => {
          inside += 1;
          maxInside = Math.max(maxInside, inside);
          await sleep(5);
          inside -= 1;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});
