import { UnsupportedOsError } from '../errors/provision-errors.js';
import type { OsRelease } from './os-release.js';

export type ProvisionerName = 'boot2docker' | 'debian' | 'ubuntu(systemd)';

/**
 * Picks the provisioner. boot2docker by its ID alone (docker-machine's rule; its ID_LIKE names
 * Tiny Core, which says nothing about how to provision it). Otherwise by ID, then ID_LIKE (so
 * Raspbian, Mint, Pop!_OS... count as their family): only the systemd Debian/Ubuntu family so far.
 */
export function detectProvisioner(os: OsRelease): ProvisionerName {
  if (os.id === 'boot2docker') return 'boot2docker';
  for (const id of [os.id, ...os.idLike]) {
    if (id === 'ubuntu') return 'ubuntu(systemd)';
    if (id === 'debian') return 'debian';
  }
  throw new UnsupportedOsError(os.prettyName, os.id, os.idLike.join(' '));
}
