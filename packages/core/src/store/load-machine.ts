import { readdirSync, readFileSync, statSync } from 'node:fs';
import { MachineConfigError, MachineConfigVersionError, MachineNotFoundError } from '../errors/store-errors.js';
import { parseHostConfig } from './config-json.js';
import { errnoCode, goOpenErrorText } from './fs-error.js';
import type { HostConfig } from './host-config.js';
import { machineConfigPath, machineDir, type Store } from './store-layout.js';

// The store is read with sync calls: a machine's files are a few kB and `ls` reads hundreds of
// them, so a thread-pool round trip per file costs more than the read (ls of 200: 250 -> 210 ms).

/** One machine as read from the store. Loading never writes: a migrated record is saved by the next save. */
export interface MachineRecord {
  name: string;
  dir: string;
  configPath: string;
  config: HostConfig;
  /** ConfigVersion in the file (3, or 1–2 if the record was migrated in memory). */
  sourceVersion: number;
}

/** A machine whose directory exists but whose record cannot be used. */
export type MachineLoadError = MachineConfigError | MachineConfigVersionError;

export type MachineListEntry =
  | { name: string; ok: true; machine: MachineRecord }
  | { name: string; ok: false; error: MachineLoadError };

/**
 * Reads `<store>/machines/<name>/config.json`.
 * @throws MachineNotFoundError if there is no such machine directory
 * @throws MachineConfigError / MachineConfigVersionError if its record is unusable
 */
export async function loadMachine(store: Store, name: string): Promise<MachineRecord> {
  const dir = machineDir(store, name);
  if (!(await isDirectory(dir))) throw new MachineNotFoundError(name);
  const configPath = machineConfigPath(store, name);
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new MachineConfigError(name, configPath, 'unreadable', goOpenErrorText(configPath, error), error);
  }
  const { config, sourceVersion } = parseHostConfig(text, { machineName: name, configPath });
  return { name, dir, configPath, config, sourceVersion };
}

/** Names of all machines: non-hidden sub-directories of `machines/`, sorted. Missing store → []. */
export async function listMachineNames(store: Store): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(store.machinesDir, { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Loads every machine; a broken record becomes an error entry and does not affect the others. */
export async function listMachines(store: Store): Promise<MachineListEntry[]> {
  const names = await listMachineNames(store);
  const entries = await Promise.all(
    names.map(async (name): Promise<MachineListEntry | undefined> => {
      try {
        return { name, ok: true, machine: await loadMachine(store, name) };
      } catch (error) {
        // Removed by another command between the listing and the read: no longer a machine.
        if (error instanceof MachineNotFoundError) return undefined;
        if (error instanceof MachineConfigError || error instanceof MachineConfigVersionError) {
          return { name, ok: false, error };
        }
        // e.g. EACCES on one machine's directory: that machine gets an error row, the list goes on.
        const configPath = machineConfigPath(store, name);
        return {
          name,
          ok: false,
          error: new MachineConfigError(name, configPath, 'unreadable', goOpenErrorText(configPath, error), error),
        };
      }
    }),
  );
  return entries.filter((entry) => entry !== undefined);
}

/** Whether `<store>/machines/<name>` is a directory. */
export async function machineExists(store: Store, name: string): Promise<boolean> {
  return isDirectory(machineDir(store, name));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return statSync(path).isDirectory();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return false;
    throw error;
  }
}
