import { isBerthError } from '@berth/driver-protocol';
import { sleep, throwIfCancelled } from '../abortable-sleep.js';
import { SshTimeoutError } from './ssh-errors.js';
import { type SshConnectOptions, SshSession } from './ssh-session.js';

export interface WaitForSshOptions {
  /** Overall bound on waiting (the host may still be booting). */
  timeoutMs: number;
  /** Keep trying when the key is refused (cloud-init may still be installing it). */
  retryAuth?: boolean;
  signal?: AbortSignal;
}

/** Connects, retrying while the host is not reachable yet; returns the open session. */
export async function waitForSsh(options: SshConnectOptions, wait: WaitForSshOptions): Promise<SshSession> {
  const deadline = Date.now() + wait.timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    throwIfCancelled(wait.signal, 'waiting for SSH');
    const remaining = deadline - Date.now();
    const timeoutMs = Math.min(options.timeoutMs ?? 20_000, remaining);
    try {
      return await SshSession.connect({ ...options, timeoutMs, ...(wait.signal ? { signal: wait.signal } : {}) });
    } catch (error) {
      last = error;
      const retryable =
        isBerthError(error) &&
        (error.code === 'SshConnect' || error.code === 'SshTimeout' || (wait.retryAuth && error.code === 'SshAuth'));
      if (!retryable) throw error;
    }
    await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())), wait.signal, 'waiting for SSH');
  }
  if (isBerthError(last)) throw last;
  throw new SshTimeoutError({ user: options.user, host: options.host, port: options.port }, wait.timeoutMs, last);
}
