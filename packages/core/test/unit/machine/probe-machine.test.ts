import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { NoneDriver } from '@berth/driver-none';
import { BerthError, InternalError, isBerthError, MachineNotRunningError } from '@berth/driver-protocol';
import { DEBIAN_12_DOCKER_VERSION, ScriptedEngine } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateServerCert } from '../../../src/certs/server-cert.js';
import { type BerthContext, probeMachine, removeMachineOp } from '../../../src/machine/index.js';
import { UNCHANGED_STATE_REFRESH_MS } from '../../../src/machine/probe-machine.js';
import { LAST_STATE_FILE } from '../../../src/store/last-known-state.js';
import { listMachineNames, loadMachine } from '../../../src/store/load-machine.js';
import { fixtureOutput } from '../store/support/fixture-store.js';
import { JournalingDriver } from './support/journaling-driver.js';
import { ScriptedStateDriver } from './support/scripted-state-driver.js';
import { createThrough, openContext, tempStoreRoot } from './support/test-context.js';

let root: string;
let engine: ScriptedEngine;
let ctx: BerthContext;
let scripted: ScriptedStateDriver;
let journaling: JournalingDriver;

beforeAll(async () => {
  root = await tempStoreRoot();
  engine = await ScriptedEngine.listen();
  const first = openContext(root, { none: () => new NoneDriver() });
  await createThrough(first, 'none', 'engine', { url: engine.url });
  await first.dispose();
  // The engine's server certificate comes from the store's CA, as provisioning would issue it.
  const certs = join(root, 'certs');
  const [ca, caKey] = await Promise.all([
    readFile(join(certs, 'ca.pem'), 'utf8'),
    readFile(join(certs, 'ca-key.pem'), 'utf8'),
  ]);
  const server = await generateServerCert({
    caCertPem: ca,
    caKeyPem: caKey,
    org: 'tester.engine',
    hosts: ['127.0.0.1'],
  });
  engine.up(
    { ca, cert: server.certPem, key: server.keyPem },
    { Version: DEBIAN_12_DOCKER_VERSION, ApiVersion: '1.41' },
  );
});

beforeEach(() => {
  scripted = new ScriptedStateDriver();
  journaling = Object.assign(new JournalingDriver(), { failCreate: false });
  ctx = openContext(root, { none: () => new NoneDriver(), scripted: () => scripted, journaling: () => journaling });
});

afterEach(async () => {
  await ctx.dispose();
});

afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

let count = 0;
async function machineOf(driverName: string, flags: Record<string, string> = {}) {
  count += 1;
  return createThrough(ctx, driverName, `m${count}`, flags);
}

/** STATE, DOCKER and ERRORS of a machine in docker-machine's `ls` (columns part at two spaces; SWARM was empty). */
async function recordedLsColumns(name: string): Promise<{ state: string; dockerVersion: string; error: string }> {
  const row = (await fixtureOutput('ls.stdout')).split('\n').find((line) => line.startsWith(`${name} `));
  if (!row) throw new Error(`no ${name} row in the recorded ls`);
  const [, , , state = '', , dockerVersion = '', error = ''] = row.trimEnd().split(/ {2,}/);
  return { state, dockerVersion, error };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('probeMachine: what ls shows about one machine', () => {
  it('Running with its URL and the engine’s version, asked over mutual TLS', async () => {
    const record = await loadMachine(ctx.store, 'engine');
    const requests = engine.requests;
    const probe = await probeMachine(ctx, record, 5_000);
    expect(probe).toMatchObject({
      name: 'engine',
      driverName: 'none',
      state: 'Running',
      url: engine.url,
      dockerVersion: `v${DEBIAN_12_DOCKER_VERSION}`,
      error: '',
      timedOut: false,
    });
    expect(engine.requests).toBe(requests + 1);
    // docker-machine showed its machine with an engine of that version just so.
    expect(await recordedLsColumns('dm-generic')).toEqual({
      state: probe.state,
      dockerVersion: probe.dockerVersion,
      error: '',
    });
  });

  it('asks an engine its version once per command however many machines share it', async () => {
    const names = ['shared-a', 'shared-b', 'shared-c'];
    for (const name of names) await createThrough(ctx, 'none', name, { url: engine.url });
    const records = await Promise.all(names.map((name) => loadMachine(ctx.store, name)));
    const requests = engine.requests;
    const probes = await Promise.all(records.map((record) => probeMachine(ctx, record, 5_000)));
    expect(probes.map((probe) => probe.dockerVersion)).toEqual(names.map(() => `v${DEBIAN_12_DOCKER_VERSION}`));
    expect(engine.requests).toBe(requests + 1);
    // Another command (context) asks again.
    const other = openContext(root, { none: () => new NoneDriver() });
    try {
      expect((await probeMachine(other, records[0] as (typeof records)[0], 5_000)).state).toBe('Running');
    } finally {
      await other.dispose();
    }
    expect(engine.requests).toBe(requests + 2);
  });

  it('Running with Unknown and docker-machine’s error text when nothing answers at the URL', async () => {
    const record = await machineOf('none', { url: `tcp://127.0.0.1:${await closedPort()}` });
    const probe = await probeMachine(ctx, record, 5_000);
    expect(probe.timedOut).toBe(false);
    // docker-machine's row for its none machine whose URL nothing listened on.
    expect(await recordedLsColumns('legacy-none')).toEqual({
      state: probe.state,
      dockerVersion: probe.dockerVersion,
      error: probe.error,
    });
    expect(probe.error).toBe('Unable to query docker version: Cannot connect to the docker engine endpoint');
  });

  it('Stopped, without an error, when the driver says the machine is not running', async () => {
    const record = await machineOf('scripted');
    scripted.states = ['Stopped'];
    const probe = await probeMachine(ctx, record, 5_000);
    expect(probe).toMatchObject({ state: 'Stopped', url: '', dockerVersion: 'Unknown', error: '', timedOut: false });
    expect(scripted.calls).toEqual(['getUrl', 'getState']);
  });

  it('decides "not running" on the MachineNotRunning code, not on the message', async () => {
    const record = await machineOf('scripted');
    scripted.states = ['Stopped'];
    scripted.urlFailure = new MachineNotRunningError('the VM is deallocated');
    expect((await probeMachine(ctx, record, 5_000)).error).toBe('');
    // The same words under another code are an error the user must see.
    scripted.urlFailure = new InternalError('Host is not running');
    const probe = await probeMachine(ctx, record, 5_000);
    expect(probe).toMatchObject({ state: 'Stopped', error: 'Host is not running' });
  });

  it('Error, with the driver’s message in the ERRORS column, when the driver fails', async () => {
    const record = await machineOf('scripted');
    scripted.failure = new InternalError('the provider answered 503 Service Unavailable\nretry later');
    const probe = await probeMachine(ctx, record, 5_000);
    // One line: a table row cannot hold a newline.
    expect(probe).toMatchObject({
      state: 'Error',
      url: '',
      error: 'the provider answered 503 Service Unavailable retry later',
      timedOut: false,
    });
  });

  it('Timeout within its bound when the driver does not answer, and the calls are cancelled', async () => {
    const record = await machineOf('scripted');
    scripted.hang = true;
    const started = Date.now();
    const probe = await probeMachine(ctx, record, 200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(probe).toEqual({
      name: record.name,
      driverName: 'scripted',
      state: 'Timeout',
      url: '',
      dockerVersion: '',
      error: '',
      responseTimeMs: 200,
      timedOut: true,
    });
    await expect.poll(() => scripted.cancelled).toBe(1);
  });

  it('Timeout with URL, DOCKER and ERRORS blank when the engine accepts and never answers', async () => {
    const tarpit = await ScriptedEngine.listen();
    tarpit.tarpit();
    try {
      const record = await machineOf('none', { url: tarpit.url });
      const probe = await probeMachine(ctx, record, 300);
      expect(probe).toMatchObject({ state: 'Timeout', timedOut: true, responseTimeMs: 300 });
      // docker-machine's `ls --timeout 1 --format '{{.Name}}|{{.State}}|{{.URL}}|{{.Error}}|…'` on such an engine.
      const recorded = (await fixtureOutput('ls-format-tarpit-timeout-1.stdout')).split('\n')[0]?.split('|');
      expect(recorded?.slice(1, 4)).toEqual([probe.state, probe.url, probe.error]);
      expect(probe.dockerVersion).toBe('');
    } finally {
      await tarpit.close();
    }
  });
});

describe('probeMachine: the last known state', () => {
  const recorded = async (dir: string) => JSON.parse(await readFile(join(dir, LAST_STATE_FILE), 'utf8'));

  it('keeps what the driver answered, and a later timeout carries it', async () => {
    const record = await machineOf('scripted');
    scripted.states = ['Stopped'];
    const before = Date.now();
    expect((await probeMachine(ctx, record, 5_000)).lastKnown).toBeUndefined();
    const kept = await recorded(record.dir);
    expect(kept.state).toBe('Stopped');
    expect(Date.parse(kept.at)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(kept.at)).toBeLessThanOrEqual(Date.now());
    // Nothing but the record is left beside config.json (no temp file).
    expect((await readdir(record.dir)).filter((file) => file.startsWith(LAST_STATE_FILE))).toEqual([LAST_STATE_FILE]);

    scripted.hang = true;
    const probe = await probeMachine(ctx, record, 200);
    expect(probe).toMatchObject({ state: 'Timeout', timedOut: true, lastKnown: { state: 'Stopped', at: kept.at } });
    // A timeout is no answer: the record stays as it was.
    expect(await recorded(record.dir)).toEqual(kept);
  });

  it('replaces the record with each answer', async () => {
    const record = await machineOf('scripted');
    scripted.states = ['Stopped'];
    await probeMachine(ctx, record, 5_000);
    scripted.states = ['Running'];
    await probeMachine(ctx, record, 5_000);
    expect((await recorded(record.dir)).state).toBe('Running');
  });

  it('rewrites an unchanged state only once its record is older than the refresh window', async () => {
    const record = await machineOf('scripted');
    scripted.states = ['Running'];
    await probeMachine(ctx, record, 5_000);
    const first = await recorded(record.dir);
    const path = join(record.dir, LAST_STATE_FILE);
    const { ino } = await stat(path);
    await probeMachine(ctx, record, 5_000);
    // Same state, recent record: left as it was (no temp file renamed over it).
    expect(await recorded(record.dir)).toEqual(first);
    expect((await stat(path)).ino).toBe(ino);

    const old = new Date(Date.now() - UNCHANGED_STATE_REFRESH_MS - 1_000).toISOString();
    await writeFile(path, `${JSON.stringify({ state: 'Running', at: old })}\n`);
    const before = Date.now();
    await probeMachine(ctx, record, 5_000);
    expect(Date.parse((await recorded(record.dir)).at)).toBeGreaterThanOrEqual(before - 1);
  });

  it('keeps nothing when the driver fails: Error is not a state the machine answered', async () => {
    const record = await machineOf('scripted');
    scripted.failure = new InternalError('the provider answered 503');
    expect((await probeMachine(ctx, record, 5_000)).state).toBe('Error');
    await expect(stat(join(record.dir, LAST_STATE_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a torn record is no record: the timeout is bare', async () => {
    const record = await machineOf('scripted');
    await writeFile(join(record.dir, LAST_STATE_FILE), '{"state":"Runn');
    scripted.hang = true;
    const probe = await probeMachine(ctx, record, 200);
    expect(probe.timedOut).toBe(true);
    expect(probe).not.toHaveProperty('lastKnown');
  });
});

describe('removeMachineOp: rm', () => {
  it('removes what the driver made, then the local entry', async () => {
    const record = await machineOf('journaling');
    expect([...journaling.remote]).toEqual(['vm-1']);
    expect(await removeMachineOp(ctx, record.name, { force: false })).toEqual({ name: record.name });
    expect(journaling.removed).toEqual(['vm-1']);
    expect(journaling.remote.size).toBe(0);
    expect(await listMachineNames(ctx.store)).not.toContain(record.name);
    await expect(stat(record.dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the entry when the driver’s remove fails, and drops it anyway with -f, reporting the error', async () => {
    const record = await machineOf('journaling');
    journaling.failRemove = true;
    await expect(removeMachineOp(ctx, record.name, { force: false })).rejects.toMatchObject({ code: 'Internal' });
    expect(await listMachineNames(ctx.store)).toContain(record.name);
    expect((await stat(join(record.dir, 'journal.json'))).isFile()).toBe(true);

    const outcome = await removeMachineOp(ctx, record.name, { force: true });
    expect(outcome.name).toBe(record.name);
    expect(isBerthError(outcome.remoteError) && outcome.remoteError.code).toBe('Internal');
    expect((outcome.remoteError as BerthError).message).toBe('the provider answered 503 Service Unavailable');
    expect(await listMachineNames(ctx.store)).not.toContain(record.name);
    // Nothing was removed remotely: that is what the reported error tells the user.
    expect([...journaling.remote]).toEqual(['vm-1']);
  });

  it('a driver without remove: refused without -f (NotSupported), removed with -f', async () => {
    const record = await machineOf('scripted');
    const refused = await removeMachineOp(ctx, record.name, { force: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BerthError);
    expect(refused).toMatchObject({ code: 'NotSupported', message: 'scripted driver does not support remove' });
    expect(await listMachineNames(ctx.store)).toContain(record.name);

    const outcome = await removeMachineOp(ctx, record.name, { force: true });
    expect(outcome.remoteError).toMatchObject({ code: 'NotSupported' });
    expect(await listMachineNames(ctx.store)).not.toContain(record.name);
  });

  it('an unreadable config: refused without -f with docker-machine’s error, removed with -f', async () => {
    const record = await machineOf('none', { url: 'tcp://10.0.0.7:2376' });
    await writeFile(record.configPath, '');
    const recorded = (await fixtureOutput('rm-y-broken.stderr')).replace('Error removing host "broken": ', '').trim();
    await expect(removeMachineOp(ctx, record.name, { force: false })).rejects.toMatchObject({
      code: 'ConfigCorrupt',
      message: recorded,
    });
    expect(await listMachineNames(ctx.store)).toContain(record.name);
    const outcome = await removeMachineOp(ctx, record.name, { force: true });
    expect((outcome.remoteError as Error).message).toBe(recorded);
    expect(await listMachineNames(ctx.store)).not.toContain(record.name);
  });

  it('the machine does not exist: MachineNotFound', async () => {
    await expect(removeMachineOp(ctx, 'nosuchmachine', { force: false })).rejects.toMatchObject({
      code: 'MachineNotFound',
    });
  });
});
