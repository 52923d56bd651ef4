import { dirname, join } from 'node:path';
import { isObject } from './config-shape.js';
import { CURRENT_CONFIG_VERSION } from './host-config.js';

export type MigrationResult =
  | { kind: 'migrated'; raw: Record<string, unknown> }
  | { kind: 'too-old' }
  | { kind: 'shape'; problem: string };

/** Oldest ConfigVersion Berth upgrades itself; version 0 (docker-machine ≤ 0.4, flat layout) is refused. */
export const OLDEST_MIGRATABLE_VERSION = 1;

/**
 * Upgrades a v1 or v2 record to v3 in memory (the caller decides whether to save it).
 * v1 → v2: AuthOptions.PrivateKeyPath becomes CaPrivateKeyPath, CertDir and AuthOptions.StorePath
 * point at the global store, Name comes from the driver's MachineName.
 * v2 → v3: the driver record gains StorePath = global store. The top-level StorePath (a machine
 * dir, present only before v3) is what the global store path is derived from, and is dropped.
 */
export function migrateToCurrent(raw: Record<string, unknown>, version: number): MigrationResult {
  if (version < OLDEST_MIGRATABLE_VERSION) return { kind: 'too-old' };
  if (typeof raw.StorePath !== 'string' || raw.StorePath === '') {
    return { kind: 'shape', problem: `StorePath is missing (needed to migrate a version ${version} config)` };
  }
  if (!isObject(raw.Driver)) return { kind: 'shape', problem: 'Driver is missing' };
  const globalStorePath = dirname(dirname(raw.StorePath));

  if (version === 1) {
    if (raw.HostOptions === undefined || raw.HostOptions === null) raw.HostOptions = {};
    if (!isObject(raw.HostOptions)) return { kind: 'shape', problem: 'HostOptions is not an object' };
    const auth = isObject(raw.HostOptions.AuthOptions) ? raw.HostOptions.AuthOptions : {};
    const renamed = renameKey(auth, 'PrivateKeyPath', 'CaPrivateKeyPath');
    renamed.CertDir = join(globalStorePath, 'certs');
    renamed.StorePath = globalStorePath;
    raw.HostOptions.AuthOptions = renamed;
    if (typeof raw.Driver.MachineName === 'string') raw.Name = raw.Driver.MachineName;
  }

  raw.Driver.StorePath = globalStorePath;
  const { StorePath: _machineDir, ...rest } = raw;
  return { kind: 'migrated', raw: { ...rest, ConfigVersion: CURRENT_CONFIG_VERSION } };
}

// Keeps the key's position, so the file stays readable side by side with the original.
function renameKey(obj: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  if (!(from in obj)) return { ...obj };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key === from) out[to] = value;
    else if (key !== to) out[key] = value;
  }
  return out;
}
