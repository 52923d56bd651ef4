import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidMachineNameError,
  MachineAlreadyExistsError,
  MachineNotFoundError,
} from '../../../src/errors/store-errors.js';
import { writeFileAtomic, writeFilesAtomic } from '../../../src/store/atomic-write.js';
import { loadMachine, machineExists } from '../../../src/store/load-machine.js';
import { newHostConfig } from '../../../src/store/new-host-config.js';
import { removeMachine } from '../../../src/store/remove-machine.js';
import { createMachineDir, saveMachine } from '../../../src/store/save-machine.js';
import { type Store, storeAt } from '../../../src/store/store-layout.js';
import { copyFixtureStore, fixtureOutput, makeTempDir, removeTempDir } from './support/fixture-store.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

let tmp: string;
let store: Store;

beforeEach(async () => {
  tmp = await makeTempDir();
  store = storeAt(join(tmp, 'store'));
});

afterEach(async () => {
  await removeTempDir(tmp);
});

describe('saveMachine', () => {
  it('round-trips every fixture config.json through load + save unchanged', async () => {
    const root = await copyFixtureStore();
    try {
      const fixture = storeAt(root);
      for (const name of ['dm-generic', 'legacy-none']) {
        const path = join(root, 'machines', name, 'config.json');
        const original = await readFile(path, 'utf8');
        const machine = await loadMachine(fixture, name);
        await saveMachine(fixture, machine.config);
        const saved = await readFile(path, 'utf8');
        expect(JSON.parse(saved)).toEqual(JSON.parse(original));
        expect(saved).toBe(original);
        expect(await readFile(join(root, 'machines', name, 'config.json.bak'), 'utf8')).toBe(original);
      }
    } finally {
      await removeTempDir(join(root, '..'));
    }
  });

  it('keeps unknown fields on rewrite', async () => {
    const config = newHostConfig({ store, name: 'm', driverName: 'x', driver: { Custom: { deep: [1, 'two'] } } });
    await saveMachine(store, { ...config, Unknown: 'kept' });
    const loaded = await loadMachine(store, 'm');
    loaded.config.HostOptions.EngineOptions.Labels = ['a=b'];
    await saveMachine(store, loaded.config);
    const onDisk = JSON.parse(await readFile(loaded.configPath, 'utf8'));
    expect(onDisk.Unknown).toBe('kept');
    expect(onDisk.Driver.Custom).toEqual({ deep: [1, 'two'] });
    expect(onDisk.HostOptions.EngineOptions.Labels).toEqual(['a=b']);
  });

  it('creates the store 0700 and config.json 0600 without a trailing newline', async () => {
    const path = await saveMachine(store, newHostConfig({ store, name: 'm', driverName: 'none', driver: {} }));
    expect(path).toBe(join(store.machinesDir, 'm', 'config.json'));
    expect(await mode(store.root)).toBe(0o700);
    expect(await mode(store.machinesDir)).toBe(0o700);
    expect(await mode(join(store.machinesDir, 'm'))).toBe(0o700);
    expect(await mode(path)).toBe(0o600);
    expect((await readFile(path, 'utf8')).endsWith('}')).toBe(true);
  });

  it('replaces the file atomically, keeps one backup and leaves no temp files', async () => {
    const config = newHostConfig({ store, name: 'm', driverName: 'none', driver: { n: 1 } });
    const path = await saveMachine(store, config);
    expect(await readdir(join(store.machinesDir, 'm'))).toEqual(['config.json']);
    const first = await readFile(path, 'utf8');
    config.Driver.n = 2;
    await saveMachine(store, config);
    config.Driver.n = 3;
    await saveMachine(store, config);
    expect((await readdir(join(store.machinesDir, 'm'))).sort()).toEqual(['config.json', 'config.json.bak']);
    expect(JSON.parse(await readFile(path, 'utf8')).Driver.n).toBe(3);
    expect(JSON.parse(await readFile(`${path}.bak`, 'utf8')).Driver.n).toBe(2);
    expect(first).not.toBe(await readFile(`${path}.bak`, 'utf8'));
    expect(await mode(`${path}.bak`)).toBe(0o600);
  });

  it('persists a migrated record as v3 and keeps the original bytes as the backup', async () => {
    const dir = join(store.machinesDir, 'old');
    await mkdir(dir, { recursive: true });
    const original = JSON.stringify({ ConfigVersion: 2, Driver: { A: 1 }, DriverName: 'none', StorePath: dir });
    await writeFile(join(dir, 'config.json'), original);
    const machine = await loadMachine(store, 'old');
    await saveMachine(store, machine.config);
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).ConfigVersion).toBe(3);
    expect(await readFile(join(dir, 'config.json.bak'), 'utf8')).toBe(original);
  });

  it('refuses a record whose name would leave machines/', async () => {
    const config = newHostConfig({ store, name: 'm', driverName: 'none', driver: {} });
    await expect(saveMachine(store, { ...config, Name: '../escape' })).rejects.toBeInstanceOf(InvalidMachineNameError);
  });
});

describe('writeFileAtomic', () => {
  it('touches no target when any file cannot be written', async () => {
    const dir = join(tmp, 'd');
    await mkdir(dir);
    await writeFile(join(dir, 'f'), 'old');
    await expect(
      writeFilesAtomic([
        { path: join(dir, 'f'), data: 'new', mode: 0o600 },
        { path: join(dir, 'missing-dir', 'g'), data: 'new', mode: 0o600 },
      ]),
    ).rejects.toThrow();
    expect(await readFile(join(dir, 'f'), 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['f']);
  });

  it('cleans up its temp file when the final rename fails', async () => {
    const dir = join(tmp, 'd');
    // A non-empty directory in the target's place makes the rename fail.
    await mkdir(join(dir, 'g'), { recursive: true });
    await writeFile(join(dir, 'g', 'x'), '');
    await expect(writeFileAtomic({ path: join(dir, 'g'), data: 'new', mode: 0o600 })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['g']);
  });

  it('writes bytes and the requested mode', async () => {
    const path = join(tmp, 'key.pem');
    await writeFileAtomic({ path, data: new Uint8Array([1, 2, 3]), mode: 0o600 });
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await mode(path)).toBe(0o600);
    await writeFileAtomic({ path: join(tmp, 'cert.pem'), data: 'c', mode: 0o644 });
    expect(await mode(join(tmp, 'cert.pem'))).toBe(0o644);
  });
});

describe('createMachineDir', () => {
  it('claims a new machine directory 0700', async () => {
    const dir = await createMachineDir(store, 'new-one');
    expect(dir).toBe(join(store.machinesDir, 'new-one'));
    expect(await mode(dir)).toBe(0o700);
    expect(await machineExists(store, 'new-one')).toBe(true);
  });

  it("fails on an existing machine with docker-machine's wording", async () => {
    await createMachineDir(store, 'legacy-none');
    const error = await createMachineDir(store, 'legacy-none').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineAlreadyExistsError);
    expect((error as MachineAlreadyExistsError).code).toBe('MachineExists');
    expect(`${(error as Error).message}\n`).toBe(await fixtureOutput('create-none-exists-no-url.stderr'));
  });

  it('lets exactly one of several concurrent creates win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => createMachineDir(store, 'race')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('validates the name like create', async () => {
    await expect(createMachineDir(store, 'bad name!')).rejects.toBeInstanceOf(InvalidMachineNameError);
    expect(await machineExists(store, 'bad name!')).toBe(false);
  });
});

describe('removeMachine', () => {
  it('deletes the whole machine tree, readable or not', async () => {
    await saveMachine(store, newHostConfig({ store, name: 'gone', driverName: 'none', driver: {} }));
    await writeFile(join(store.machinesDir, 'gone', 'id_rsa'), 'k');
    await mkdir(join(store.machinesDir, 'gone', 'gone', 'Logs'), { recursive: true });
    await writeFile(join(store.machinesDir, 'gone', 'config.json'), '');
    await chmod(join(store.machinesDir, 'gone', 'id_rsa'), 0o400);
    await removeMachine(store, 'gone');
    expect(await machineExists(store, 'gone')).toBe(false);
  });

  it('reports a missing machine', async () => {
    await expect(removeMachine(store, 'UNKNOWN')).rejects.toBeInstanceOf(MachineNotFoundError);
  });
});
