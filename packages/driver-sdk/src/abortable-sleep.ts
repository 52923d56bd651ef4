import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError } from '@berth/driver-protocol';

/** The error a wait ends with when the host cancels the call (Ctrl-C). */
export function cancelled(what: string): CancelledError {
  return new CancelledError(`Interrupted while ${what}`);
}

/** Throws {@link cancelled} if `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelled(what);
}

/**
 * Waits `ms`, or rejects with {@link cancelled} as soon as `signal` fires: every wait of a driver
 * (polls, retries, back-off) goes through this, so Ctrl-C never waits out a sleep.
 */
export async function sleep(ms: number, signal?: AbortSignal, what = 'waiting'): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw cancelled(what);
    throw error;
  }
}
