import { rm } from 'node:fs/promises';
import { NoneDriver } from '@berth/driver-none';
import { isBerthError } from '@berth/driver-protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BerthContext,
  changeMachineState,
  type LifecycleOptions,
  MachineAlreadyInStateError,
  waitForState,
} from '../../../src/machine/index.js';
import { STATE_POLL_MS } from '../../../src/machine/wait-for-state.js';
import { loadMachine, type MachineRecord } from '../../../src/store/load-machine.js';
import { ScriptedStateDriver } from './support/scripted-state-driver.js';
import { createThrough, openContext, tempStoreRoot } from './support/test-context.js';

let root: string;
let ctx: BerthContext;
let driver: ScriptedStateDriver;
let machine: MachineRecord;
let lines: string[];

beforeAll(async () => {
  root = await tempStoreRoot();
  // The store's CA and client certificate are made once, by the first create.
  const first = openContext(root, { none: () => new NoneDriver() });
  await createThrough(first, 'none', 'registered', { url: 'tcp://10.0.0.99:2376' });
  await first.dispose();
});

let count = 0;
beforeEach(async () => {
  driver = new ScriptedStateDriver();
  ctx = openContext(root, { scripted: () => driver, none: () => new NoneDriver() });
  count += 1;
  machine = await createThrough(ctx, 'scripted', `vm${count}`);
  driver.calls.length = 0;
  lines = [];
});

afterEach(async () => {
  await ctx.dispose();
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A shortened state wait, so a test does not sit through Docker Machine's one-second polls. */
const QUICK: Pick<LifecycleOptions, 'stateWait'> = { stateWait: { pollMs: 20 } };

function change(action: 'start' | 'stop' | 'restart' | 'kill', options: Partial<LifecycleOptions> = QUICK) {
  return changeMachineState(ctx, machine.name, action, { progress: (line) => lines.push(line), ...options });
}

async function waitFor(target: 'Running' | 'Stopped', timeoutMs: number, signal?: AbortSignal, pollMs?: number) {
  const remote = await ctx.drivers.get('scripted');
  return waitForState(ctx.store, machine, remote, target, timeoutMs, signal, pollMs);
}

describe('waitForState', () => {
  it('polls the driver until the machine reaches the state, one poll interval apart', async () => {
    driver.states = ['Starting', 'Starting', 'Running'];
    await waitFor('Running', 5_000, undefined, 40);
    expect(driver.calls).toEqual(['getState', 'getState', 'getState']);
    const [first = 0, second = 0, third = 0] = driver.stateCallTimes;
    expect(second - first).toBeGreaterThanOrEqual(35);
    expect(third - second).toBeGreaterThanOrEqual(35);
  });

  it('gives up at its bound with a typed Timeout naming the last state', async () => {
    driver.states = ['Starting'];
    const started = Date.now();
    const error = await waitFor('Running', 600, undefined, 50).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(isBerthError(error) && error.code).toBe('Timeout');
    if (!isBerthError(error)) return;
    expect(error.message).toBe(
      `Machine "${machine.name}" did not reach state Running within 1 s (last state: Starting)`,
    );
    expect(error.actions).toEqual([`Check the machine with \`berth status ${machine.name}\` and try again.`]);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(1_500);
    expect(driver.calls.length).toBeGreaterThanOrEqual(6);
  });

  it('ends mid-sleep the moment the signal aborts, with the caller’s reason (default 1 s polls)', async () => {
    driver.states = ['Starting'];
    const controller = new AbortController();
    const reason = new Error('Ctrl-C');
    const started = Date.now();
    setTimeout(() => controller.abort(reason), 100);
    const error = await waitFor('Running', 60_000, controller.signal).catch((e: unknown) => e);
    // Well under one poll interval: the sleep itself is abortable.
    expect(Date.now() - started).toBeLessThan(STATE_POLL_MS / 2);
    expect(error).toBe(reason);
    expect(driver.calls).toEqual(['getState']);
  });

  it('cancels a getState in flight when the signal aborts, and the driver sees the cancellation', async () => {
    driver.hang = true;
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 100);
    const error = await waitFor('Running', 60_000, controller.signal).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(STATE_POLL_MS / 2);
    expect(isBerthError(error) && error.code).toBe('Cancelled');
    await expect.poll(() => driver.cancelled).toBe(1);
  });
});

describe('changeMachineState with a driver that has power control', () => {
  it('start: calls the driver, waits through Starting to Running, and stores what start returned', async () => {
    driver.states = ['Stopped'];
    await change('start');
    expect(lines).toEqual([`Starting "${machine.name}"...`, `Machine "${machine.name}" was started.`]);
    expect(driver.calls).toEqual(['getState', 'start', 'getState', 'getState']);
    // The machine came back on a new address and the store has it.
    expect((await loadMachine(ctx.store, machine.name)).config.Driver.IPAddress).toBe('10.0.0.11');
  });

  it('stop and kill wait for Stopped, in docker-machine’s words', async () => {
    await change('stop');
    expect(lines).toEqual([`Stopping "${machine.name}"...`, `Machine "${machine.name}" was stopped.`]);
    expect(driver.calls).toEqual(['getState', 'stop', 'getState', 'getState']);

    lines.length = 0;
    driver.calls.length = 0;
    driver.states = ['Running'];
    await change('kill');
    expect(lines).toEqual([`Killing "${machine.name}"...`, `Machine "${machine.name}" was killed.`]);
    expect(driver.calls).toEqual(['getState', 'kill', 'getState']);
  });

  it('refuses to start a running machine or stop a stopped one, without calling the action', async () => {
    const running = await change('start').catch((e: unknown) => e);
    expect(running).toBeInstanceOf(MachineAlreadyInStateError);
    expect(isBerthError(running) && running.code).toBe('MachineAlreadyInState');
    expect((running as Error).message).toBe(`Machine "${machine.name}" is already running.`);
    driver.states = ['Stopped'];
    await expect(change('stop')).rejects.toThrow(`Machine "${machine.name}" is already stopped.`);
    await expect(change('kill')).rejects.toMatchObject({ code: 'MachineAlreadyInState' });
    expect(driver.calls).toEqual(['getState', 'getState', 'getState']);
  });

  it('restart: restarts a running machine, starts a stopped one, and waits for Running either way', async () => {
    await change('restart');
    expect(lines).toEqual([`Restarting "${machine.name}"...`]);
    expect(driver.calls).toEqual(['getState', 'restart', 'getState', 'getState', 'getState']);

    driver.calls.length = 0;
    driver.states = ['Stopped'];
    await change('restart');
    expect(driver.calls).toEqual(['getState', 'start', 'getState', 'getState']);
  });

  it('times out with the typed error when the machine never gets there, and frees the machine', async () => {
    driver.after.stop = ['Stopping'];
    const error = await change('stop', { stateWait: { timeoutMs: 300, pollMs: 20 } }).catch((e: unknown) => e);
    expect(isBerthError(error) && error.code).toBe('Timeout');
    expect((error as Error).message).toContain('did not reach state Stopped');
    expect(lines).toEqual([`Stopping "${machine.name}"...`]);
    // The machine lock was released: the next command gets through.
    driver.after.stop = ['Stopped'];
    driver.states = ['Running'];
    await change('stop');
  });

  it('aborts the wait promptly when the command’s signal fires', async () => {
    driver.after.start = ['Starting'];
    driver.states = ['Stopped'];
    const controller = new AbortController();
    const reason = new Error('Ctrl-C');
    setTimeout(() => controller.abort(reason), 150);
    const started = Date.now();
    const error = await change('start', { signal: controller.signal }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(STATE_POLL_MS);
    expect(error).toBe(reason);
    expect(lines).toEqual([`Starting "${machine.name}"...`]);
  });
});

describe('changeMachineState with a driver without power control', () => {
  it('passes on the driver’s NotSupported and does not wait', async () => {
    const error = await changeMachineState(ctx, 'registered', 'stop', { progress: (line) => lines.push(line) }).catch(
      (e: unknown) => e,
    );
    expect(isBerthError(error) && error.code).toBe('NotSupported');
    expect((error as Error).message).toBe('hosts without a driver cannot be stopped');
    expect(lines).toEqual(['Stopping "registered"...']);
    await expect(
      changeMachineState(ctx, 'registered', 'start', { progress: (line) => lines.push(line) }),
    ).rejects.toThrow('Machine "registered" is already running.');
  });
});
