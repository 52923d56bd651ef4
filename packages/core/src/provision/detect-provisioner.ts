import { UnsupportedOsError } from '../errors/provision-errors.js';
import type { OsRelease } from './os-release.js';

export type ProvisionerName = 'debian' | 'ubuntu(systemd)';

/**
 * Picks the provisioner by ID, then ID_LIKE (so Raspbian, Mint, Pop!_OS... count as their family).
 * Only the systemd Debian/Ubuntu family is supported so far.
 */
export function detectProvisioner(os: OsRelease): ProvisionerName {
  for (const id of [os.id, ...os.idLike]) {
    if (id === 'ubuntu') return 'ubuntu(systemd)';
    if (id === 'debian') return 'debian';
  }
  throw new UnsupportedOsError(os.prettyName, os.id, os.idLike.join(' '));
}
