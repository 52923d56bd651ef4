import { CancelledError } from '@berth/driver-protocol';

/** Sleeps, or rejects with CancelledError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('Interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError('Interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * How long the driver waits for EC2 (an instance's address, its termination): 5 minutes, or
 * `BERTH_AMAZONEC2_WAIT_SECONDS`.
 */
export function waitLimitMs(): number {
  const seconds = Number(process.env.BERTH_AMAZONEC2_WAIT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5 * 60_000;
}
