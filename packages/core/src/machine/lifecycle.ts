import { readFile } from 'node:fs/promises';
import { type MachineState, STATE_DISPLAY_NAMES } from '@berth/driver-protocol';
import { serverCertCoversHost } from '../certs/cert-checks.js';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import { waitForEngine } from '../engine/wait-for-engine.js';
import { MachineAlreadyInStateError } from '../errors/lifecycle-errors.js';
import type { MachineRecord } from '../store/load-machine.js';
import { saveMachine } from '../store/save-machine.js';
import { withMachineLock } from '../store/store-lock.js';
import type { BerthContext } from './berth-context.js';
import { keepDockerContext } from './docker-context.js';
import { engineTlsFor } from './engine-tls-files.js';
import { machineParams } from './machine-params.js';
import { openMachine } from './open-machine.js';
import { reprovisionRecord } from './reprovision-machine.js';
import { waitForState } from './wait-for-state.js';

export interface LifecycleOptions {
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** Bound and poll interval of the wait for the new state (default 180 s, every second). */
  stateWait?: { timeoutMs?: number; pollMs?: number };
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

/**
 * After a boot: if the machine came back on another address, its server certificate no longer
 * names it, so a new one is issued (never a new CA) and docker keeps working without a manual
 * `regenerate-certs`. Then the engine must answer over TLS (bounded), as docker-machine's port wait.
 */
async function afterBoot(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  options: LifecycleOptions,
): Promise<void> {
  if (driver.description.capabilities.ssh === false) return;
  const params = machineParams(ctx.store, record);
  const { ip } = await driver.getIp(params, { signal: options.signal });
  const serverCert = await readFile(record.config.HostOptions.AuthOptions.ServerCertPath, 'utf8').catch(() => '');
  if (!serverCert || !serverCertCoversHost(serverCert, ip)) {
    options.progress(
      `Machine "${record.name}" has a new IP address (${ip}); issuing a new server certificate for it...`,
    );
    await reprovisionRecord(ctx, record, driver, options);
  }
  const { url } = await driver.getUrl(params, { signal: options.signal });
  await waitForEngine(url, await engineTlsFor(record.config), ENGINE_WAIT_MS, options.signal);
}

/**
 * start / stop / kill / restart with docker-machine's guards, messages and bounded waits.
 * A driver without power control answers with its own NotSupported error.
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
      const { timeoutMs = STATE_WAIT_MS, pollMs } = options.stateWait ?? {};
      await waitForState(ctx.store, record, driver, words.target, timeoutMs, signal, pollMs);
    }
    if (action !== 'restart') progress(`Machine "${name}" was ${words.done}.`);
    if (words.target === 'Running') await keepDockerContext(ctx, record, driver, progress);
    if (words.target === 'Running') await afterBoot(ctx, record, driver, options);
  });
}
