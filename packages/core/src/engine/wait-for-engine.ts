import { EngineNotAnsweringError } from '../errors/engine-errors.js';
import type { EngineTls } from './engine-tls.js';
import { type EngineVersion, getEngineVersion } from './engine-version.js';

/** Polls `GET /version` over mutual TLS until the engine answers, within a bound. */
export async function waitForEngine(
  url: string,
  tls: EngineTls,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<EngineVersion> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt made';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      return await getEngineVersion({ url, tls, timeoutMs: Math.min(5_000, deadline - Date.now()), signal });
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new EngineNotAnsweringError(url, timeoutMs, last);
}
