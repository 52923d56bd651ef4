import { type MachineState, STATE_DISPLAY_NAMES } from '@berth/driver-protocol';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import { waitForEngine } from '../engine/wait-for-engine.js';
import { MachineAlreadyInStateError } from '../errors/lifecycle-errors.js';
import type { MachineRecord } from '../store/load-machine.js';
import { saveMachine } from '../store/save-machine.js';
import { withMachineLock } from '../store/store-lock.js';
import type { BerthContext } from './berth-context.js';
import { engineTlsFor } from './engine-tls-files.js';
import { machineParams } from './machine-params.js';
import { openMachine } from './open-machine.js';
import { waitForState } from './wait-for-state.js';

export interface LifecycleOptions {
  progress: (line: string) => void;
  signal?: AbortSignal;
}

const STATE_WAIT_MS = 180_000;
const ENGINE_WAIT_MS = 180_000;

type Action = 'start' | 'stop' | 'kill' | 'restart';

const WORDS: Record<Action, { doing: string; done: string; target: MachineState }> = {
  start: { doing: 'Starting', done: 'started', target: 'Running' },
  stop: { doing: 'Stopping', done: 'stopped', target: 'Stopped' },
  kill: { doing: 'Killing', done: 'killed', target: 'Stopped' },
  restart: { doing: 'Restarting', done: 'restarted', target: 'Running' },
};

/** Calls the driver and stores what it returns (a start may bring a new IP). */
async function call(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  action: Action,
  signal?: AbortSignal,
) {
  const result = await driver[action](machineParams(ctx.store, record), { signal });
  record.config.Driver = result.driverConfig;
  await saveMachine(ctx.store, record.config);
}

/** After a boot: the engine answers over TLS again (bounded), as docker-machine's port wait. */
async function waitForEngineOf(ctx: BerthContext, record: MachineRecord, driver: RemoteDriver, signal?: AbortSignal) {
  if (driver.description.capabilities.ssh === false) return;
  const { url } = await driver.getUrl(machineParams(ctx.store, record), { signal });
  await waitForEngine(url, await engineTlsFor(record.config), ENGINE_WAIT_MS, signal);
}

/**
 * start / stop / kill / restart with docker-machine's guards, messages and bounded waits
 * (reference §8.4). A driver without power control answers with its own NotSupported error.
 */
export async function changeMachineState(
  ctx: BerthContext,
  name: string,
  action: Action,
  options: LifecycleOptions,
): Promise<void> {
  const { progress, signal } = options;
  await withMachineLock(ctx.store, name, async () => {
    const { record, driver } = await openMachine(ctx, name);
    const words = WORDS[action];
    const powered = driver.description.capabilities.powerControl === true;
    progress(`${words.doing} "${name}"...`);
    if (action !== 'restart') {
      const { state } = await driver.getState(machineParams(ctx.store, record), { signal });
      if (state === words.target) throw new MachineAlreadyInStateError(name, STATE_DISPLAY_NAMES[state]);
    }
    if (action === 'restart') {
      const { state } = await driver.getState(machineParams(ctx.store, record), { signal });
      if (state === 'Stopped' && powered) {
        await call(ctx, record, driver, 'start', signal);
      } else if (state === 'Running') {
        await call(ctx, record, driver, 'restart', signal);
      }
    } else {
      await call(ctx, record, driver, action, signal);
    }
    if (powered || action === 'restart') {
      await waitForState(ctx.store, record, driver, words.target, STATE_WAIT_MS, signal);
    }
    if (action !== 'restart') progress(`Machine "${name}" was ${words.done}.`);
    if (words.target === 'Running') await waitForEngineOf(ctx, record, driver, signal);
  });
}
