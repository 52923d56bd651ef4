import { CancelledError } from '@berth/driver-protocol';

/** The error every wait of this driver ends with when the host cancels the call. */
export function cancelled(what: string): CancelledError {
  return new CancelledError(`Interrupted while ${what}`);
}

/** Throws {@link cancelled} if `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw cancelled(what);
}

/** Waits `ms`, or rejects with {@link cancelled} as soon as `signal` fires. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled(what));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
