import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreLockedError } from '../errors.js';

/** Stale after this long unrefreshed: the holder died. */
const STALE_MS = 30_000;

/**
 * Runs `work` while no other Berth process of this user changes VirtualBox's host-only adapters:
 * two creates at once would each make an adapter with the same address (which VirtualBox then
 * lists twice, breaking every later listing), and an rm could remove an adapter another machine
 * is just starting on. The lock is a proper-lockfile directory in the temp dir (VirtualBox's
 * registry is per user, like the temp dir); one held by a dead process goes stale.
 */
export async function withHostOnlyLock<T>(work: () => Promise<T>, waitMs = 5 * 60_000): Promise<T> {
  const lockfile = (await import('proper-lockfile')).default;
  const path = join(tmpdir(), 'berth-virtualbox-host-only');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      lockfilePath: `${path}.lock`,
      realpath: false,
      stale: STALE_MS,
      retries: { retries: Math.ceil(waitMs / 250), minTimeout: 100, maxTimeout: 250, randomize: true },
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new StoreLockedError(
      `another berth process has been changing VirtualBox's host-only adapters for ${waitMs / 1000} s`,
      {
        actions: [`If no berth runs, remove ${path}.lock and retry.`],
      },
    );
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}
