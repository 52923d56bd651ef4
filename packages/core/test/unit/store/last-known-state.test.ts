import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_STATE_FILE, readLastKnownState, recordLastKnownState } from '../../../src/store/last-known-state.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-last-state-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function machineDir(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

describe('the last known state beside config.json', () => {
  it('reads back what was recorded, as one small 0600 file', async () => {
    const dir = await machineDir('web');
    const state = { state: 'Running', at: '2026-01-02T03:04:05.000Z' };
    await recordLastKnownState(dir, state);
    expect(await readLastKnownState(dir)).toEqual(state);
    expect(await readdir(dir)).toEqual([LAST_STATE_FILE]);
    expect((await stat(join(dir, LAST_STATE_FILE))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(join(dir, LAST_STATE_FILE), 'utf8'))).toEqual(state);
  });

  it('is replaced whole by the next record, even when many are written at once', async () => {
    const dir = await machineDir('busy');
    const states = Array.from({ length: 20 }, (_, i) => ({
      state: i % 2 ? 'Running' : 'Stopped',
      at: new Date(i * 1000).toISOString(),
    }));
    await Promise.all(states.map((state) => recordLastKnownState(dir, state)));
    expect(states).toContainEqual(await readLastKnownState(dir));
    expect(await readdir(dir)).toEqual([LAST_STATE_FILE]);
  });

  it('does not bring back the directory of a machine removed meanwhile', async () => {
    const dir = join(root, 'gone');
    await expect(recordLastKnownState(dir, { state: 'Running', at: new Date().toISOString() })).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['missing', undefined],
    ['torn', '{"state":"Runn'],
    ['no state', '{"at":"2026-01-02T03:04:05.000Z"}'],
    ['empty state', '{"state":"","at":"2026-01-02T03:04:05.000Z"}'],
    ['bad time', '{"state":"Running","at":"yesterday"}'],
    ['not an object', '"Running"'],
  ])('a %s record is no record', async (name, text) => {
    const dir = await machineDir(`case-${name.replace(' ', '-')}`);
    if (text !== undefined) await writeFile(join(dir, LAST_STATE_FILE), text);
    expect(await readLastKnownState(dir)).toBeUndefined();
  });
});
