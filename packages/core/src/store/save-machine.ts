import { mkdir } from 'node:fs/promises';
import { MachineAlreadyExistsError } from '../errors/store-errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { serializeHostConfig } from './config-json.js';
import { errnoCode } from './fs-error.js';
import type { HostConfig } from './host-config.js';
import { validateMachineName } from './machine-name.js';
import { machineConfigBackupPath, machineConfigPath, machineDir, type Store } from './store-layout.js';

/** Store directories are private to the user, like docker-machine's. */
export const STORE_DIR_MODE = 0o700;
/** config.json holds paths and driver secrets (API tokens). */
export const CONFIG_FILE_MODE = 0o600;

/**
 * Writes `config.Name`'s config.json atomically (temp file, fsync, rename, fsync of the directory),
 * creating the store and machine directories (0700) if needed. The file being replaced is kept as
 * `config.json.bak` (one generation; after a migration it holds the original, older-version bytes).
 * Call it under `withMachineLock` when other commands may write the same machine.
 */
export async function saveMachine(store: Store, config: HostConfig): Promise<string> {
  const dir = machineDir(store, config.Name);
  await mkdir(dir, { recursive: true, mode: STORE_DIR_MODE });
  const path = machineConfigPath(store, config.Name);
  await writeFileAtomic({
    path,
    data: serializeHostConfig(config),
    mode: CONFIG_FILE_MODE,
    backupPath: machineConfigBackupPath(store, config.Name),
  });
  return path;
}

/**
 * Claims a new machine directory for `create`: validates the name and fails if it is taken.
 * @throws InvalidMachineNameError, MachineAlreadyExistsError
 */
export async function createMachineDir(store: Store, name: string): Promise<string> {
  validateMachineName(name);
  const dir = machineDir(store, name);
  await mkdir(store.machinesDir, { recursive: true, mode: STORE_DIR_MODE });
  try {
    // Not recursive: the EEXIST is what tells two concurrent creates apart.
    await mkdir(dir, { mode: STORE_DIR_MODE });
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw new MachineAlreadyExistsError(name);
    throw error;
  }
  return dir;
}
