import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, MachineNotRunningError, NotSupportedError } from '@berth/driver-protocol';
import { type HypervSimulator, startHypervSimulator } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HypervDriver } from '../../src/driver.js';
import { vmStatement, vmsStatement } from '../../src/hyperv-statements.js';
import {
  PowerShellCommandError,
  PowerShellExitedError,
  PowerShellTimeoutError,
} from '../../src/powershell/powershell-errors.js';
import { PowerShellSession } from '../../src/powershell/powershell-session.js';
import { driverOn, machineIn, processCount, recordingContext, statementsSince } from './support.js';

// The driver's PowerShell session against the test kit's powershell.exe (contract §2/§3), state
// only (guests: false): framing, one process, coalescing, a process that dies or hangs, and
// powershell.exe missing altogether.

let sim: HypervSimulator;
let store: string;

beforeAll(async () => {
  sim = await startHypervSimulator({ guests: false });
  store = await mkdtemp(join(tmpdir(), 'berth-hv-session-'));
  for (let i = 0; i < 50; i++) {
    await sim.registerDockerMachineVm({
      name: `dm-${i}`,
      machineDir: join(store, 'machines', `dm-${i}`),
      switchName: 'External Wireless',
      ...(i % 2 === 0 ? { state: 'Running' as const } : {}),
    });
  }
});

afterAll(async () => {
  await sim?.close();
  if (store) await rm(store, { recursive: true, force: true });
});

const simEnv = () => ({ ...process.env, ...sim.env() });

describe('the session', () => {
  it('runs 20 statements in one process, each answered by its JSON line and marker', async () => {
    const session = new PowerShellSession({ env: simEnv() });
    const from = (await sim.calls()).length;
    try {
      for (let i = 0; i < 20; i++) {
        const [vm] = (await session.run(vmStatement(`dm-${i}`), { timeoutMs: 30_000 })) as Array<
          Record<string, unknown>
        >;
        expect(vm?.Name).toBe(`dm-${i}`);
        expect(vm?.State).toBe(i % 2 === 0 ? 'Running' : 'Off');
      }
      expect(session.processesStarted).toBe(1);
    } finally {
      await session.close();
    }
    const calls = (await sim.calls()).slice(from);
    expect(new Set(calls.map((call) => call.pid)).size).toBe(1);
    const statements = calls.filter((call) => call.kind === 'statement');
    // The preamble, then the 20 envelopes: all recognised, all ok.
    expect(statements).toHaveLength(21);
    expect(statements.every((call) => call.ok === true && !call.unrecognised)).toBe(true);
  });

  it("rejects with the error record: PowerShell's message and FullyQualifiedErrorId", async () => {
    const session = new PowerShellSession({ env: simEnv() });
    try {
      const missing = await session.run(vmStatement('nosuch'), { timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(PowerShellCommandError);
      expect((missing as PowerShellCommandError).errorId).toBe(
        'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM',
      );
      expect((missing as Error).message).toBe(
        'Hyper-V was unable to find a virtual machine with name "nosuch". (FullyQualifiedErrorId: InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM)',
      );
      const unknown = await session.run('Hyper-V\\Get-Nothing', { timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect((unknown as PowerShellCommandError).errorId).toMatch(/^CommandNotFoundException/);
      // The session goes on after errors.
      expect(await session.run(vmsStatement(), { timeoutMs: 30_000 })).toHaveLength(50);
      expect(session.processesStarted).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('a process that dies fails its request with a typed error; the next request starts a new one', async () => {
    const session = new PowerShellSession({ env: simEnv() });
    try {
      await sim.setFaults({ slowSpawnMs: 4_000 });
      const pending = session.run(vmsStatement(), { timeoutMs: 30_000 }).catch((e: unknown) => e);
      // The request is written once its turn comes (a microtask later): then the process exists.
      while (session.pid === undefined) await new Promise((resolve) => setImmediate(resolve));
      const pid = session.pid;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid as number, 'SIGKILL');
      const error = await pending;
      expect(error).toBeInstanceOf(PowerShellExitedError);
      expect((error as Error).message).toMatch(/killed by SIGKILL while running a request/);
      await sim.setFaults({ slowSpawnMs: 0 });
      expect(await session.run(vmsStatement(), { timeoutMs: 30_000 })).toHaveLength(50);
      expect(session.processesStarted).toBe(2);
      // Killed while idle: noticed, and the next request simply starts another.
      process.kill(session.pid as number, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await session.run(vmStatement('dm-1'), { timeoutMs: 30_000 })).toHaveLength(1);
      expect(session.processesStarted).toBe(3);
    } finally {
      await sim.setFaults({ slowSpawnMs: 0 });
      await session.close();
    }
  });

  it('a request with no answer in time ends the process; a cancelled one is dropped', async () => {
    const session = new PowerShellSession({ env: simEnv() });
    try {
      await sim.setFaults({ slowSpawnMs: 3_000 });
      const timedOut = await session.run(vmsStatement(), { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(PowerShellTimeoutError);
      const controller = new AbortController();
      const cancelled = session.run(vmsStatement(), { timeoutMs: 30_000, signal: controller.signal });
      // Queued behind a request being answered: cancelled at once, never written.
      const queued = session.run(vmsStatement(), { timeoutMs: 30_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 200);
      await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
      await expect(queued).rejects.toBeInstanceOf(CancelledError);
      await sim.setFaults({ slowSpawnMs: 0 });
      expect(await session.run(vmsStatement(), { timeoutMs: 30_000 })).toHaveLength(50);
      expect(session.processesStarted).toBe(3);
    } finally {
      await sim.setFaults({ slowSpawnMs: 0 });
      await session.close();
    }
  });

  it('idle, it keeps nothing alive: a node process using the driver exits, and PowerShell with it', async () => {
    // The built driver, as berth loads it; no shutdown() call, as after an unexpected end.
    const script = [
      "import { HypervDriver } from '@berth/driver-hyperv';",
      'const driver = new HypervDriver();',
      "const machine = { name: 'dm-0', storePath: '/s', machineDir: '/s/machines/dm-0', driverConfig: {} };",
      'const context = { signal: new AbortController().signal, log() {}, progress() {} };',
      'const { state } = await driver.getState({ machine }, context);',
      "process.stdout.write(state + ' ' + driver.powershellProcesses + '\\n');",
    ].join('\n');
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: simEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).toBe('Running 1\n');
    expect(Date.now() - started).toBeLessThan(15_000);
    const pids = new Set((await sim.calls()).filter((call) => call.kind === 'session').map((call) => call.pid));
    // PowerShell ends at the end of its stdin, which closed with the process (a zombie is gone too).
    const running = async (pid: number) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
    };
    let alive: number[] = [];
    for (let tries = 0; tries < 50; tries++) {
      alive = [];
      for (const pid of pids) if (await running(pid)) alive.push(pid);
      if (alive.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(alive).toEqual([]);
  });
});

describe('the driver on the session', () => {
  it('answers 20 getState calls with one PowerShell process', async () => {
    const driver = driverOn(sim);
    const from = (await sim.calls()).length;
    try {
      for (let i = 0; i < 20; i++) {
        const machine = machineIn(store, `dm-${i}`);
        const { state } = await driver.getState({ machine }, recordingContext().context);
        expect(state).toBe(i % 2 === 0 ? 'Running' : 'Stopped');
      }
      expect(driver.powershellProcesses).toBe(1);
    } finally {
      await driver.shutdown();
    }
    expect(new Set((await sim.calls()).slice(from).map((call) => call.pid)).size).toBe(1);
  });

  it('answers ls of 50 machines (URL, then state when stopped) with one process and one Get-VM of all', async () => {
    const driver = driverOn(sim);
    const before = await processCount(sim);
    const from = (await sim.calls()).length;
    try {
      const probes = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const params = { machine: machineIn(store, `dm-${i}`) };
          const context = recordingContext().context;
          const url = await driver.getUrl(params, context).catch((error: unknown) => error);
          if (!(url instanceof MachineNotRunningError)) return { i, url };
          return { i, state: (await driver.getState(params, context)).state };
        }),
      );
      for (const probe of probes) {
        // Running guests without real guests report no address yet: an empty URL, as docker-machine's "".
        if (probe.i % 2 === 0) expect(probe).toEqual({ i: probe.i, url: { url: '' } });
        else expect(probe).toEqual({ i: probe.i, state: 'Stopped' });
      }
    } finally {
      await driver.shutdown();
    }
    expect((await processCount(sim)) - before).toBe(1);
    const statements = await statementsSince(sim, from);
    expect(statements.filter((name) => name === 'B4')).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(2);
  });

  it('says a VM is gone from Hyper-V, and how to remove the machine', async () => {
    const driver = driverOn(sim);
    try {
      const error = await driver
        .getState({ machine: machineIn(store, 'gone') }, recordingContext().context)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MachineNotRunningError);
      expect((error as MachineNotRunningError).message).toBe('Hyper-V has no virtual machine named "gone"');
      expect((error as MachineNotRunningError).actions[0]).toContain('berth rm -f gone');
    } finally {
      await driver.shutdown();
    }
  });
});

describe('without powershell.exe', () => {
  const driver = new HypervDriver({ powershell: { env: { ...process.env, PATH: '/nonexistent' } } });

  it("fails the pre-create check in docker-machine's words, saying where Hyper-V machines are managed", async () => {
    const machine = machineIn(store, 'nops');
    const error = await driver.preCreateCheck({ machine }, recordingContext().context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).message).toBe('Powershell was not found in the path');
    expect((error as NotSupportedError).actions.join(' ')).toMatch(
      /managed on Windows with the Hyper-V PowerShell module/,
    );
  });

  it('tells other commands what to install (not "Failed to find the VM status" or "exec: no command")', async () => {
    const machine = machineIn(store, 'nops');
    for (const call of [
      () => driver.getState({ machine }, recordingContext().context),
      () => driver.start({ machine }, recordingContext().context),
      () => driver.getUrl({ machine }, recordingContext().context),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotSupportedError);
      expect((error as Error).message).toBe(
        'powershell.exe was not found in the path: the hyperv driver controls Hyper-V through it',
      );
      expect((error as NotSupportedError).actions.join(' ')).toContain('Microsoft-Hyper-V-Management-PowerShell');
    }
  });
});
