import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MachineNotFoundError } from '../../../src/errors/store-errors.js';
import { type Store, storeAt } from '../../../src/store/store-layout.js';
import { updateMachine } from '../../../src/store/update-machine.js';
import { makeTempDir, removeTempDir } from './support/fixture-store.js';

let tmp: string;
let store: Store;

beforeEach(async () => {
  tmp = await makeTempDir();
  store = storeAt(join(tmp, 'store'));
});

afterEach(async () => {
  await removeTempDir(tmp);
});

describe('updateMachine', () => {
  it('saves a migrated record as v3 and reports it as such', async () => {
    const dir = join(store.machinesDir, 'old');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ ConfigVersion: 2, Driver: { IPAddress: '10.0.0.1' }, DriverName: 'none', StorePath: dir }),
    );
    const updated = await updateMachine(store, 'old', (config) => {
      config.Driver.IPAddress = '10.0.0.2';
      return undefined;
    });
    expect(updated.sourceVersion).toBe(3);
    const onDisk = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(onDisk).toMatchObject({ ConfigVersion: 3, Driver: { IPAddress: '10.0.0.2', StorePath: store.root } });
    expect(onDisk.Name).toBe('old');
  });

  it('keeps the machine name even if the change returns a record with another one', async () => {
    const dir = join(store.machinesDir, 'm');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ConfigVersion: 3, Driver: {}, DriverName: 'none' }));
    const updated = await updateMachine(store, 'm', (config) => ({ ...config, Name: 'other' }));
    expect(updated.config.Name).toBe('m');
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).Name).toBe('m');
  });

  it('fails for a missing machine without creating it', async () => {
    await expect(updateMachine(store, 'ghost', () => undefined)).rejects.toBeInstanceOf(MachineNotFoundError);
    await expect(readFile(join(store.machinesDir, 'ghost', 'config.json'))).rejects.toThrow();
  });
});
