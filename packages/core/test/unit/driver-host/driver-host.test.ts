import { NoneDriver } from '@berth/driver-none';
import {
  CancelledError,
  DriverCrashedError,
  DriverNotFoundError,
  DriverProtocolError,
  DriverTimeoutError,
  type MachineContext,
  NotSupportedError,
  PROTOCOL_VERSION,
  ProtocolVersionMismatchError,
} from '@berth/driver-protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DriverHost,
  type DriverHostOptions,
  type DriverLogEvent,
  type DriverProgressEvent,
  type DriverSpawnEvent,
  type DriverStderrEvent,
  REDACTED,
} from '../../../src/driver-host/index.js';
import { type FixtureDrivers, installFixtureDrivers, isRunning } from './fixture-drivers.js';

let fixtures: FixtureDrivers;
beforeAll(async () => {
  fixtures = await installFixtureDrivers();
});
afterAll(() => fixtures.remove());

interface Recorded {
  spawns: DriverSpawnEvent[];
  logs: DriverLogEvent[];
  progress: DriverProgressEvent[];
  stderr: DriverStderrEvent[];
}

let host: DriverHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

/** A host that finds the fixture drivers and records everything it reports. */
function startHost(options: DriverHostOptions = {}, env: Record<string, string> = {}): [DriverHost, Recorded] {
  const recorded: Recorded = { spawns: [], logs: [], progress: [], stderr: [] };
  host = new DriverHost({
    env: { ...process.env, BERTH_DRIVERS_PATH: fixtures.dir, ...env },
    onSpawn: (event) => recorded.spawns.push(event),
    onLog: (event) => recorded.logs.push(event),
    onProgress: (event) => recorded.progress.push(event),
    onStderr: (event) => recorded.stderr.push(event),
    ...options,
    timeouts: { killGraceMs: 300, shutdownGraceMs: 500, ...options.timeouts },
  });
  return [host, recorded];
}

function machine(name: string, driverConfig: Record<string, unknown> = {}): { machine: MachineContext } {
  return { machine: { name, storePath: '/tmp/store', machineDir: `/tmp/store/machines/${name}`, driverConfig } };
}

/** Runs `work`, returning its rejection and how long it took to settle. */
async function failure(work: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await work;
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  throw new Error('expected a rejection');
}

describe('DriverHost with the built none driver', () => {
  it('starts it from its package, handshakes, and makes typed calls', async () => {
    // A built-in run as a process (BERTH_ISOLATE_DRIVERS=1): found through the package that depends on it.
    const drivers = { none: async () => new NoneDriver() };
    const [driverHost, recorded] = startHost({ builtins: { drivers, resolveFrom: import.meta.url, isolate: true } });
    const none = await driverHost.get('none');
    expect(recorded.spawns).toHaveLength(1);
    expect(recorded.spawns[0]?.executable.source).toBe('builtin');
    expect(none.description).toMatchObject({
      name: 'none',
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { powerControl: false, ssh: false },
      createFlags: [{ name: 'url', type: 'string' }],
    });
    const { driverConfig } = await none.setConfigFromFlags({
      ...machine('legacy-none', { MachineName: 'legacy-none', StorePath: '/tmp/store' }),
      flags: { url: 'tcp://127.0.0.1:12376' },
    });
    expect(driverConfig).toMatchObject({ IPAddress: '127.0.0.1:12376', URL: 'tcp://127.0.0.1:12376' });
    const params = machine('legacy-none', driverConfig);
    expect(await none.create(params)).toEqual({ driverConfig });
    expect(await none.getUrl(params)).toEqual({ url: 'tcp://127.0.0.1:12376' });
    expect(await none.getIp(params)).toEqual({ ip: '127.0.0.1:12376' });
    expect(await none.getState(params)).toEqual({ state: 'Running' });
    await expect(none.stop(params)).rejects.toThrow(
      expect.objectContaining({ code: 'NotSupported', message: 'hosts without a driver cannot be stopped' }),
    );
    await expect(none.getSshPort(params)).rejects.toBeInstanceOf(NotSupportedError);
  });

  it('serves concurrent callers for two machines with one process', async () => {
    const [driverHost, recorded] = startHost();
    const [first, second] = await Promise.all([driverHost.get('none'), driverHost.get('none')]);
    const states = await Promise.all([
      first.getState(machine('one', { URL: 'tcp://10.0.0.1:2376' })),
      second.getState(machine('two', { URL: 'tcp://10.0.0.2:2376' })),
    ]);
    expect(states).toEqual([{ state: 'Running' }, { state: 'Running' }]);
    expect(first).toBe(second);
    expect(recorded.spawns).toHaveLength(1);
    expect((await driverHost.get('none')).pid).toBe(first.pid);
  });

  it('reaps the process on dispose and refuses later requests', async () => {
    const [driverHost] = startHost();
    const { pid } = await driverHost.get('none');
    await driverHost.dispose();
    expect(isRunning(pid)).toBe(false);
    await expect(driverHost.get('none')).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('DriverHost with a well-behaved fixture driver', () => {
  it('runs calls for different machines concurrently in one process', async () => {
    const [driverHost, recorded] = startHost();
    const slow = await driverHost.get('slow');
    const start = performance.now();
    await Promise.all([
      slow.getState(machine('one', { DelayMs: 500 })),
      slow.getState(machine('two', { DelayMs: 500 })),
    ]);
    // One after the other would take at least 1000 ms.
    expect(performance.now() - start).toBeLessThan(950);
    expect(recorded.spawns).toHaveLength(1);
  });

  it('cancels a call through its AbortSignal: $/cancelRequest reaches the driver, the caller gets Cancelled', async () => {
    const [driverHost, recorded] = startHost();
    const slow = await driverHost.get('slow');
    const controller = new AbortController();
    const progressed = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (recorded.progress.length > 0) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    const creating = slow.create(machine('m1', { Token: 'hunter2' }), { signal: controller.signal });
    await progressed;
    controller.abort();
    const { error, ms } = await failure(creating);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toBe('machine/create for machine "m1" was cancelled.');
    expect(ms).toBeLessThan(200);
    await expect.poll(() => recorded.stderr.map((event) => event.line)).toContain('cancel seen for m1');
    expect(slow.alive).toBe(true);
    expect(await slow.getState(machine('m1'))).toEqual({ state: 'Running' });
  });

  it('rejects at once when the signal is already aborted', async () => {
    const [driverHost] = startHost();
    const slow = await driverHost.get('slow');
    await expect(slow.getState(machine('m1'), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });

  it('forwards driver/progress and $/log with driver and machine, redacting secret flag values', async () => {
    const [driverHost, recorded] = startHost();
    const slow = await driverHost.get('slow');
    const { driverConfig } = await slow.setConfigFromFlags({ ...machine('m1'), flags: { 'slow-token': 's3cr3t' } });
    const creating = slow.create(machine('m1', driverConfig), { timeoutMs: 5_000 });
    await expect.poll(() => recorded.logs.length).toBe(2);
    expect(recorded.progress).toEqual([{ driver: 'slow', machine: 'm1', message: 'Creating m1...' }]);
    expect(recorded.logs).toEqual([
      { driver: 'slow', machine: 'm1', level: 'debug', message: `using token ${REDACTED}` },
      { driver: 'slow', machine: 'm1', level: 'info', message: `token is ${REDACTED}` },
    ]);
    await driverHost.dispose();
    await expect(creating).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('DriverHost with misbehaving drivers', () => {
  it('reports a driver that crashes mid-call, with exit code and last stderr lines, and reaps it', async () => {
    const [driverHost, recorded] = startHost();
    const crash = await driverHost.get('crash');
    const { error, ms } = await failure(crash.create(machine('m1')));
    expect(error).toBeInstanceOf(DriverCrashedError);
    const crashed = error as DriverCrashedError;
    expect(crashed.message).toBe(
      'Driver "crash" exited unexpectedly (exit code 3) while running machine/create for machine "m1".\n' +
        'Last lines of its stderr:\n  creating the VM...\n  panic: the hypervisor went away',
    );
    expect(crashed.data).toMatchObject({ driver: 'crash', exitCode: 3, signal: null });
    expect(ms).toBeLessThan(2_000);
    expect(isRunning(crash.pid)).toBe(false);
    expect(crash.alive).toBe(false);
    await expect(crash.getState(machine('m1'))).rejects.toBe(error);
    const restarted = await driverHost.get('crash');
    expect(restarted.pid).not.toBe(crash.pid);
    expect(recorded.spawns).toHaveLength(2);
  });

  it('reports garbage on stdout as DriverProtocol at once, and kills the driver', async () => {
    const [driverHost] = startHost();
    const garbage = await driverHost.get('garbage');
    const { error, ms } = await failure(garbage.create(machine('m1')));
    expect(error).toBeInstanceOf(DriverProtocolError);
    expect((error as DriverProtocolError).message).toBe(
      'Driver "garbage" wrote something to stdout that is not a protocol frame (text that is not a frame header): "Creating VM... done\\n"',
    );
    expect(ms).toBeLessThan(1_000);
    expect(isRunning(garbage.pid)).toBe(false);
  });

  it('times out a hanging call, then kills the driver even though it ignores SIGTERM', async () => {
    const [driverHost, recorded] = startHost({ timeouts: { callMs: 300, killGraceMs: 300 } });
    const hang = await driverHost.get('hang');
    const { error, ms } = await failure(hang.create(machine('m1')));
    expect(error).toBeInstanceOf(DriverTimeoutError);
    expect((error as DriverTimeoutError).message).toBe(
      'Driver "hang" did not answer machine/create for machine "m1" within 300 ms; Berth stopped it.',
    );
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1_500);
    expect(isRunning(hang.pid)).toBe(false);
    expect(recorded.stderr.map((event) => event.line)).toContain('ignoring SIGTERM');
  });

  it('uses a per-call timeout over the host default', async () => {
    const [driverHost] = startHost({ timeouts: { callMs: 60_000 } });
    const hang = await driverHost.get('hang');
    const { error, ms } = await failure(hang.create(machine('m1'), { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(DriverTimeoutError);
    expect(ms).toBeLessThan(1_500);
  });

  it('times out a driver that never answers driver/initialize, and reaps it', async () => {
    const [driverHost, recorded] = startHost({ timeouts: { initializeMs: 300 } }, { HANG_ON: 'initialize' });
    const { error, ms } = await failure(driverHost.get('hang'));
    expect(error).toBeInstanceOf(DriverTimeoutError);
    expect((error as DriverTimeoutError).message).toContain('did not answer driver/initialize within 300 ms');
    expect(ms).toBeLessThan(2_000);
    expect(isRunning(recorded.spawns[0]?.pid ?? 0)).toBe(false);
  });

  it('rejects a driver of another protocol major, naming both versions, and reaps it', async () => {
    const [driverHost, recorded] = startHost();
    const { error } = await failure(driverHost.get('wrongmajor'));
    expect(error).toBeInstanceOf(ProtocolVersionMismatchError);
    const mismatch = error as ProtocolVersionMismatchError;
    expect(mismatch.message).toMatch(
      new RegExp(
        `^berth \\S+ speaks driver protocol ${PROTOCOL_VERSION.replace('.', '\\.')}, but the wrongmajor driver 2\\.4\\.0 speaks 2\\.0$`,
      ),
    );
    expect(mismatch.actions).toEqual([
      'Upgrade berth to a version that speaks driver protocol 2.x, or install an older wrongmajor driver.',
    ]);
    expect(isRunning(recorded.spawns[0]?.pid ?? 0)).toBe(false);
  });

  it('rejects answers of the wrong shape as DriverProtocol', async () => {
    const [driverHost] = startHost();
    const liar = await driverHost.get('liar');
    await expect(liar.getState(machine('m1'))).rejects.toThrow(
      expect.objectContaining({
        code: 'DriverProtocol',
        message:
          'Driver "liar" answered machine/getState for machine "m1" with a result whose "state" is not a machine state.',
      }),
    );
  });

  it('rejects a driver that calls itself by another name', async () => {
    const [driverHost] = startHost({}, { LIAR_NAME: 'truthful' });
    await expect(driverHost.get('liar')).rejects.toBeInstanceOf(DriverProtocolError);
  });

  it("reports an unknown driver in Docker Machine's words plus where Berth looked, without spawning", async () => {
    const [driverHost, recorded] = startHost();
    const { error } = await failure(driverHost.get('nosuchdriver'));
    expect(error).toBeInstanceOf(DriverNotFoundError);
    expect((error as DriverNotFoundError).message).toBe(
      'Driver "nosuchdriver" not found. Do you have the plugin binary "berth-driver-nosuchdriver" accessible in your PATH?',
    );
    expect((error as DriverNotFoundError).actions[0]).toContain(`BERTH_DRIVERS_PATH (${fixtures.dir})`);
    expect(recorded.spawns).toHaveLength(0);
  });

  it('reports a driver file that is not executable', async () => {
    const [driverHost] = startHost();
    const { error } = await failure(driverHost.get('noexec'));
    expect(error).toBeInstanceOf(DriverNotFoundError);
    expect((error as DriverNotFoundError).actions).toContain(
      `${fixtures.dir}/berth-driver-noexec exists but is not executable: make it executable (chmod +x).`,
    );
  });

  it('kills a driver that ignores EOF once the dispose grace period is over', async () => {
    const [driverHost] = startHost({ timeouts: { shutdownGraceMs: 300 } });
    const hang = await driverHost.get('hang');
    const start = performance.now();
    await driverHost.dispose();
    expect(performance.now() - start).toBeLessThan(1_500);
    expect(isRunning(hang.pid)).toBe(false);
  });
});
