import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBerthError } from '@berth/driver-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthContext, createMachine, probeMachine, removeMachineOp } from '../../../src/machine/index.js';
import { FAILED_CREATE_FILE, listMachineNames, loadMachine } from '../../../src/store/index.js';
import { JournalingDriver } from './support/journaling-driver.js';

let root: string;
let ctx: BerthContext;
let driver: JournalingDriver;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-rollback-'));
  driver = new JournalingDriver();
  ctx = BerthContext.open({
    storagePath: root,
    env: {},
    driverHost: { builtins: { drivers: { journaling: async () => driver } } },
  });
});

afterEach(async () => {
  await ctx.dispose();
  await rm(root, { recursive: true, force: true });
});

async function failedCreate(name: string): Promise<unknown> {
  const progress: string[] = [];
  return createMachine(ctx, {
    name,
    driverName: 'journaling',
    driverFlags: {},
    engine: {},
    swarm: {},
    tlsSans: [],
    progress: (line) => progress.push(line),
  }).then(
    () => expect.fail('create should have failed'),
    (error: unknown) => error,
  );
}

describe('a create that fails after the machine was stored', () => {
  it('is rolled back completely when the driver can remove what it made', async () => {
    const error = await failedCreate('web');
    expect(isBerthError(error) && error.code).toBe('Timeout');
    expect(driver.remote.size).toBe(0);
    expect(driver.removed).toEqual(['vm-1']);
    expect(await listMachineNames(ctx.store)).toEqual([]);
  });

  it('keeps the machine, its journal and its error when the rollback’s remove fails too; rm retries', async () => {
    driver.failRemove = true;
    const error = await failedCreate('web');
    expect(isBerthError(error)).toBe(true);
    if (!isBerthError(error)) return;
    expect(error.code).toBe('Timeout');
    expect(error.actions.join('\n')).toContain('berth rm web');

    // Kept: config.json, journal and the failed-create mark; the remote resource still exists.
    expect(await listMachineNames(ctx.store)).toEqual(['web']);
    const record = await loadMachine(ctx.store, 'web');
    const journal = JSON.parse(await readFile(join(record.dir, 'journal.json'), 'utf8')) as {
      resources: { id: string }[];
    };
    expect(journal.resources.map((entry) => entry.id)).toEqual(['vm-1']);
    expect((await stat(join(record.dir, FAILED_CREATE_FILE))).isFile()).toBe(true);
    expect([...driver.remote]).toEqual(['vm-1']);

    // ls shows it with its error.
    const probe = await probeMachine(ctx, record, 5_000);
    expect(probe.state).toBe('Error');
    expect(probe.error).toContain('Create failed (Timeout): vm-1 never became active');

    // rm without -f does not drop the entry while the remote side is still there.
    await expect(removeMachineOp(ctx, 'web', { force: false })).rejects.toMatchObject({ code: 'Internal' });
    expect(await listMachineNames(ctx.store)).toEqual(['web']);

    // The fault clears: rm removes every journaled resource, then the entry.
    driver.failRemove = false;
    await removeMachineOp(ctx, 'web', { force: false });
    expect(driver.remote.size).toBe(0);
    expect(driver.removed).toEqual(['vm-1']);
    expect(await listMachineNames(ctx.store)).toEqual([]);
  });
});
