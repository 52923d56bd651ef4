import { setTimeout as delay } from 'node:timers/promises';
import { type MachineState, TimeoutError } from '@berth/driver-protocol';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import type { MachineRecord } from '../store/load-machine.js';
import type { Store } from '../store/store-layout.js';
import { machineParams } from './machine-params.js';

/** How often the wait asks the driver for the state (Docker Machine: every second). */
export const STATE_POLL_MS = 1_000;

/** Polls the driver until the machine reaches `target`, within a bound (Docker Machine: 180 s). */
export async function waitForState(
  store: Store,
  record: MachineRecord,
  driver: RemoteDriver,
  target: MachineState,
  timeoutMs: number,
  signal?: AbortSignal,
  pollMs = STATE_POLL_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: MachineState = 'None';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    last = (await driver.getState(machineParams(store, record), { signal })).state;
    if (last === target) return;
    // Abortable, and an abort ends the wait with the reason the caller gave (as between polls).
    await delay(pollMs, undefined, signal ? { signal } : {}).catch((error: unknown) => {
      signal?.throwIfAborted();
      throw error;
    });
  }
  throw new TimeoutError(
    `Machine "${record.name}" did not reach state ${target} within ${Math.round(timeoutMs / 1000)} s (last state: ${last || 'None'})`,
    { actions: [`Check the machine with \`berth status ${record.name}\` and try again.`] },
  );
}
