import { yamlQuoted } from './cloud-config-yaml.js';
import { buildIsoImage, type IsoFile, writeIsoImage } from './iso9660-writer.js';
import { SeedImageError } from './seed-errors.js';

/**
 * A cloud-init NoCloud seed: an ISO 9660 volume labelled `cidata` holding `meta-data` and
 * `user-data`, which cloud-init finds by its label on first boot and applies (hostname, the login
 * user, the machine's SSH key). Local drivers attach it as a CD-ROM beside the cloud image.
 */

/** The label cloud-init's NoCloud datasource looks for (blkid LABEL). */
export const NOCLOUD_LABEL = 'cidata';

/** The login user, as on docker-machine's local machines (boot2docker's `docker`). */
export const DEFAULT_SEED_USER = 'docker';

export interface NoCloudSeedSpec {
  /**
   * cloud-init runs its once-per-instance modules (users, keys, hostname) again when this changes,
   * so one per machine: a new machine on a reused disk gets configured afresh.
   */
  instanceId: string;
  hostname: string;
  /** OpenSSH public key lines (`ssh-rsa AAAA... comment`), e.g. the machine's id_rsa.pub. */
  sshAuthorizedKeys: readonly string[];
  /** The user to create, with password-less sudo; {@link DEFAULT_SEED_USER} by default. */
  user?: string;
  /**
   * Distribution packages cloud-init installs on first boot (it refreshes the package lists
   * first), e.g. `hyperv-daemons`, without which Hyper-V never learns the guest's address.
   */
  packages?: readonly string[];
}

/** `meta-data`: the instance id and the hostname the datasource reports. */
export function nocloudMetaData(spec: NoCloudSeedSpec): string {
  checkSpec(spec);
  return `instance-id: ${yamlQuoted(spec.instanceId)}\nlocal-hostname: ${yamlQuoted(spec.hostname)}\n`;
}

/**
 * `user-data`: a #cloud-config that sets the hostname (and /etc/hosts, so sudo resolves it),
 * creates the user with password-less sudo and the machine's keys, and turns password logins off.
 * The list of users has no `default` entry, so the image's own default user (debian) is not made.
 */
export function nocloudUserData(spec: NoCloudSeedSpec): string {
  checkSpec(spec);
  const user = spec.user ?? DEFAULT_SEED_USER;
  const lines = [
    '#cloud-config',
    `hostname: ${yamlQuoted(spec.hostname)}`,
    'manage_etc_hosts: true',
    'ssh_pwauth: false',
    'disable_root: true',
    'users:',
    `  - name: ${yamlQuoted(user)}`,
    `    shell: ${yamlQuoted('/bin/bash')}`,
    `    sudo: ${yamlQuoted('ALL=(ALL) NOPASSWD:ALL')}`,
    '    lock_passwd: true',
    '    ssh_authorized_keys:',
    ...spec.sshAuthorizedKeys.map((key) => `      - ${yamlQuoted(key.trim())}`),
  ];
  if (spec.packages && spec.packages.length > 0) {
    lines.push('packages:', ...spec.packages.map((name) => `  - ${yamlQuoted(name)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** The seed's two files, by the names cloud-init reads. */
export function nocloudSeedFiles(spec: NoCloudSeedSpec): IsoFile[] {
  return [
    { name: 'meta-data', content: nocloudMetaData(spec) },
    { name: 'user-data', content: nocloudUserData(spec) },
  ];
}

/** The seed image in memory; `date` is recorded on it (now by default). */
export function buildNoCloudSeed(spec: NoCloudSeedSpec, date?: Date): Uint8Array {
  return buildIsoImage({ volumeId: NOCLOUD_LABEL, files: nocloudSeedFiles(spec), ...(date ? { date } : {}) });
}

/** Writes the seed image to `path` (atomically: a VM never boots from half a seed). */
export async function writeNoCloudSeed(path: string, spec: NoCloudSeedSpec, date?: Date): Promise<void> {
  await writeIsoImage(path, { volumeId: NOCLOUD_LABEL, files: nocloudSeedFiles(spec), ...(date ? { date } : {}) });
}

/** What useradd accepts on Debian without --badname. */
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
/** Debian policy's package names. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;
/** A machine name (0-9a-zA-Z . -, the store's rule) is a valid hostname. */
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

function checkSpec(spec: NoCloudSeedSpec): void {
  const user = spec.user ?? DEFAULT_SEED_USER;
  if (!USER_NAME.test(user)) throw new SeedImageError(`${JSON.stringify(user)} is not a user name useradd accepts`);
  if (!HOSTNAME.test(spec.hostname)) throw new SeedImageError(`${JSON.stringify(spec.hostname)} is not a hostname`);
  if (spec.instanceId.trim() === '') throw new SeedImageError('a NoCloud seed needs an instance id');
  if (spec.sshAuthorizedKeys.length === 0) {
    throw new SeedImageError('a NoCloud seed needs at least one SSH key: without one nobody can log in');
  }
  for (const name of spec.packages ?? []) {
    if (!PACKAGE_NAME.test(name)) throw new SeedImageError(`${JSON.stringify(name)} is not a package name`);
  }
  for (const key of spec.sshAuthorizedKeys) {
    if (key.trim() === '' || /[\r\n]/.test(key.trim())) {
      throw new SeedImageError('each SSH authorized key must be one non-empty line');
    }
  }
}
