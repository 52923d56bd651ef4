import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError } from '@berth/driver-protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { machineStateOf } from '../../src/machine-state.js';
import { QmpClient, QmpCommandError, QmpTimeoutError, queryStatus, withQmp } from '../../src/qmp-client.js';
import { exec } from './support.js';

let dir: string;
const started: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-qmp-'));
});

afterEach(async () => {
  // Whatever a failed test left running: ended by the pid qemu wrote for this test only.
  for (const pidFile of started.splice(0)) {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Whether the process still runs (a zombie, dead but not yet reaped by PID 1, does not). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && !/^\d+ \(.*\) Z/.test(stat);
}

/** A real qemu with no machine, daemonized, with its QMP socket at the path returned. */
async function startQemu(name: string): Promise<string> {
  const socket = join(dir, `${name}.sock`);
  const pidFile = join(dir, `${name}.pid`);
  started.push(pidFile);
  await exec('qemu-system-x86_64', [
    '-machine',
    'none',
    '-nodefaults',
    '-display',
    'none',
    '-qmp',
    `unix:${socket},server=on,wait=off`,
    '-pidfile',
    pidFile,
    '-daemonize',
  ]);
  return socket;
}

describe('QMP client against a real qemu', () => {
  it('reads the run state through stop, cont and quit', async () => {
    const socket = await startQemu('states');
    expect(await queryStatus(socket)).toBe('running');
    expect(machineStateOf(await queryStatus(socket))).toBe('Running');

    await withQmp(socket, {}, (client) => client.execute('stop'));
    expect(await queryStatus(socket)).toBe('paused');
    expect(machineStateOf(await queryStatus(socket))).toBe('Paused');

    await withQmp(socket, {}, (client) => client.execute('cont'));
    expect(machineStateOf(await queryStatus(socket))).toBe('Running');

    const client = await QmpClient.connect(socket);
    expect(await client.execute('quit')).toEqual({});
    await client.closed();
    client.close();
    expect(await queryStatus(socket)).toBeUndefined();
    expect(machineStateOf(await queryStatus(socket))).toBe('Stopped');
  });

  it('keeps one session for several commands, with events aside, and reports qemu errors', async () => {
    const socket = await startQemu('session');
    await withQmp(socket, {}, async (client) => {
      const version = await client.execute<{ qemu: { major: number } }>('query-version');
      expect(version.qemu.major).toBeGreaterThanOrEqual(7);
      await client.execute('stop');
      expect(await client.execute('query-status')).toMatchObject({ status: 'paused', running: false });
      expect(client.events.map((event) => event.event)).toContain('STOP');
      const failure = await client.execute('no-such-command').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(QmpCommandError);
      expect((failure as QmpCommandError).errorClass).toBe('CommandNotFound');
      await client.execute('quit');
    });
  });

  it('says "no qemu" for a missing socket and for a socket nobody accepts on', async () => {
    expect(await queryStatus(join(dir, 'absent.sock'))).toBeUndefined();
    // The socket file a SIGKILLed qemu leaves behind: connecting to it is refused.
    const socket = await startQemu('killed');
    const pid = Number((await readFile(join(dir, 'killed.pid'), 'utf8')).trim());
    process.kill(pid, 'SIGKILL');
    while (await alive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await stat(socket)).isSocket()).toBe(true);
    expect(await queryStatus(socket)).toBeUndefined();
  });

  it('bounds a silent peer by the timeout, and a cancel by the signal', async () => {
    const silent = join(dir, 'silent.sock');
    const server = createServer(() => {
      // Accepts, never greets: a hung qemu.
    });
    await new Promise<void>((resolve) => server.listen(silent, resolve));
    try {
      const began = Date.now();
      await expect(queryStatus(silent, { timeoutMs: 300 })).rejects.toThrow(QmpTimeoutError);
      expect(Date.now() - began).toBeLessThan(3_000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(queryStatus(silent, { timeoutMs: 10_000, signal: controller.signal })).rejects.toThrow(
        CancelledError,
      );
    } finally {
      server.close();
    }
  });
});
