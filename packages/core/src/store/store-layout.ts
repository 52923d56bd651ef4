import { join, resolve } from 'node:path';
import { assertPathSafeMachineName } from './machine-name.js';
import { resolveStoragePath, type StoragePathSources } from './storage-path.js';

/** File names inside a machine directory. */
export const CONFIG_FILE = 'config.json';
/** The previous config.json, kept by every save (see `saveMachine`). */
export const CONFIG_BACKUP_FILE = 'config.json.bak';

/** Where things live in a store. Pure paths: building one touches nothing on disk. */
export interface Store {
  readonly root: string;
  /** Global CA and client identity (ca.pem, ca-key.pem, cert.pem, key.pem). */
  readonly certsDir: string;
  /** One sub-directory per machine; hidden entries (like lock files) are not machines. */
  readonly machinesDir: string;
  /** Driver executables installed into the store. */
  readonly pluginsDir: string;
  /** Downloads shared by machines (ISOs). */
  readonly cacheDir: string;
}

export function storeAt(root: string): Store {
  const abs = resolve(root);
  return {
    root: abs,
    certsDir: join(abs, 'certs'),
    machinesDir: join(abs, 'machines'),
    pluginsDir: join(abs, 'plugins'),
    cacheDir: join(abs, 'cache'),
  };
}

/** The store selected by `--storage-path`, `MACHINE_STORAGE_PATH` or the default. */
export function resolveStore(sources: StoragePathSources = {}): Store {
  return storeAt(resolveStoragePath(sources));
}

export function machineDir(store: Store, name: string): string {
  assertPathSafeMachineName(name);
  return join(store.machinesDir, name);
}

export function machineConfigPath(store: Store, name: string): string {
  return join(machineDir(store, name), CONFIG_FILE);
}

export function machineConfigBackupPath(store: Store, name: string): string {
  return join(machineDir(store, name), CONFIG_BACKUP_FILE);
}

/** Hidden, next to the machine dir, so it survives `rm` and is never listed as a machine. */
export function machineLockPath(store: Store, name: string): string {
  assertPathSafeMachineName(name);
  return join(store.machinesDir, `.${name}.lock`);
}
