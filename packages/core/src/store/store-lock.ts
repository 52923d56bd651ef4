import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreLockedError, StoreLockLostError } from '../errors/store-errors.js';
import { errnoCode } from './fs-error.js';
import { machineDir, machineLockPath, type Store } from './store-layout.js';

export interface StoreLockOptions {
  /** How long to wait for a lock another process holds. Default 30 s. */
  waitMs?: number;
  /** A lock not refreshed for this long is taken to be left over from a crash. Default 20 s. */
  staleMs?: number;
}

export const DEFAULT_LOCK_WAIT_MS = 30_000;
export const DEFAULT_LOCK_STALE_MS = 20_000;
const MIN_STALE_MS = 2_000;

/**
 * Runs `fn` while holding the lock `lockPath` (a directory created atomically by proper-lockfile and
 * refreshed while held, so a crashed holder's lock goes stale). Works across processes and across
 * async tasks of one process; not re-entrant. Waits at most `waitMs`, then throws StoreLockedError.
 * `what` names the locked thing in messages.
 */
export async function withFileLock<T>(
  lockPath: string,
  what: string,
  fn: () => Promise<T>,
  options: StoreLockOptions = {},
): Promise<T> {
  // Loaded here: read-only commands never lock, and start-up should not pay for it.
  const lockfile = (await import('proper-lockfile')).default;
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const stale = Math.max(options.staleMs ?? DEFAULT_LOCK_STALE_MS, MIN_STALE_MS);
  let lost: unknown;
  const lockOptions = {
    lockfilePath: lockPath,
    realpath: false,
    stale,
    update: Math.floor(stale / 4),
    retries: 0,
    onCompromised: (error: Error) => {
      lost = error;
    },
  };

  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  const started = Date.now();
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(lockPath, lockOptions);
      break;
    } catch (error) {
      if (errnoCode(error) !== 'ELOCKED') throw error;
      const waited = Date.now() - started;
      if (waited >= waitMs) throw new StoreLockedError(lockPath, what, waited, stale);
      // Jitter keeps several waiters from retrying in lockstep.
      await sleep(Math.min(waitMs - waited, 20 + Math.random() * 80));
    }
  }

  try {
    const result = await fn();
    if (lost !== undefined) throw new StoreLockLostError(lockPath, what, lost);
    return result;
  } finally {
    // A failed release only leaves a lock that goes stale; it must not hide fn's outcome.
    await release().catch(() => undefined);
  }
}

/** Serialises writers of one machine: `<store>/machines/.<name>.lock`. */
export function withMachineLock<T>(
  store: Store,
  name: string,
  fn: () => Promise<T>,
  options?: StoreLockOptions,
): Promise<T> {
  return withFileLock(machineLockPath(store, name), `machine "${name}" (${machineDir(store, name)})`, fn, options);
}

/** Lock file guarding creation of the CA and client certificate in `certsDir`. */
export function caLockPath(certsDir: string): string {
  return join(certsDir, '.ca.lock');
}

/** Serialises CA and client-certificate creation in `certsDir`, so concurrent creates make one CA. */
export function withCaLock<T>(certsDir: string, fn: () => Promise<T>, options?: StoreLockOptions): Promise<T> {
  return withFileLock(caLockPath(certsDir), `the certificate authority in ${certsDir}`, fn, options);
}
