import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidMachineNameError } from '../../../src/errors/store-errors.js';
import { resolveStoragePath } from '../../../src/store/storage-path.js';
import {
  machineConfigBackupPath,
  machineConfigPath,
  machineDir,
  machineLockPath,
  resolveStore,
  storeAt,
} from '../../../src/store/store-layout.js';

describe('resolveStoragePath', () => {
  it('prefers --storage-path over MACHINE_STORAGE_PATH over ~/.docker/machine', () => {
    const env = { MACHINE_STORAGE_PATH: '/from/env' };
    expect(resolveStoragePath({ storagePath: '/from/flag', env, homeDir: '/home/u' })).toBe('/from/flag');
    expect(resolveStoragePath({ env, homeDir: '/home/u' })).toBe('/from/env');
    expect(resolveStoragePath({ env: {}, homeDir: '/home/u' })).toBe('/home/u/.docker/machine');
  });

  it('treats empty values as unset', () => {
    expect(resolveStoragePath({ storagePath: '', env: { MACHINE_STORAGE_PATH: '' }, homeDir: '/h' })).toBe(
      '/h/.docker/machine',
    );
  });

  it('makes relative paths absolute', () => {
    expect(resolveStoragePath({ storagePath: 'rel/store', env: {} })).toBe(resolve('rel/store'));
  });

  it('reads process.env when no env is given', () => {
    const previous = process.env.MACHINE_STORAGE_PATH;
    process.env.MACHINE_STORAGE_PATH = '/process/env/store';
    try {
      expect(resolveStoragePath()).toBe('/process/env/store');
    } finally {
      if (previous === undefined) delete process.env.MACHINE_STORAGE_PATH;
      else process.env.MACHINE_STORAGE_PATH = previous;
    }
  });
});

describe('store layout', () => {
  const store = storeAt('/s');

  it('names the standard directories', () => {
    expect(store).toEqual({
      root: '/s',
      certsDir: '/s/certs',
      machinesDir: '/s/machines',
      pluginsDir: '/s/plugins',
      cacheDir: '/s/cache',
    });
    expect(resolveStore({ storagePath: '/x', env: {} }).machinesDir).toBe(join('/x', 'machines'));
  });

  it('places machine files and a hidden lock next to the machine', () => {
    expect(machineDir(store, 'm1')).toBe('/s/machines/m1');
    expect(machineConfigPath(store, 'm1')).toBe('/s/machines/m1/config.json');
    expect(machineConfigBackupPath(store, 'm1')).toBe('/s/machines/m1/config.json.bak');
    expect(machineLockPath(store, 'm1')).toBe('/s/machines/.m1.lock');
  });

  it('refuses names that would escape machines/', () => {
    expect(() => machineDir(store, '../certs')).toThrow(InvalidMachineNameError);
    expect(() => machineLockPath(store, '..')).toThrow(InvalidMachineNameError);
  });
});
