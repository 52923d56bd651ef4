import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StoragePathSources {
  /** Value of `--storage-path` / `-s`, if given. */
  storagePath?: string | undefined;
  /** Defaults to `process.env`; `MACHINE_STORAGE_PATH` is read from it. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to `os.homedir()` (HOME, or USERPROFILE on Windows). */
  homeDir?: string;
}

/** Store root: `--storage-path`, else `MACHINE_STORAGE_PATH`, else `~/.docker/machine`; always absolute. */
export function resolveStoragePath(sources: StoragePathSources = {}): string {
  const env = sources.env ?? process.env;
  const chosen =
    nonEmpty(sources.storagePath) ??
    nonEmpty(env.MACHINE_STORAGE_PATH) ??
    join(sources.homeDir ?? homedir(), '.docker', 'machine');
  return resolve(chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
