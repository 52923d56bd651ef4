import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../engine/run-command.js';
import { GuestMediaError } from './guest-errors.js';
import type { GuestLogin } from './guest-setup.js';

/** What a NoCloud seed tells cloud-init, as far as the simulated guest applies it. */
export interface NoCloudSeed {
  volumeId: string;
  instanceId: string | undefined;
  hostname: string | undefined;
  users: GuestLogin[];
  /** `packages:` names (Hyper-V's KVP daemon `hyperv-daemons` is looked for). */
  packages: string[];
}

/** The primary volume descriptor sits in sector 16; its volume id is 32 bytes at 0x8028. */
const PVD_OFFSET = 0x8000;
const VOLUME_ID_OFFSET = 0x8028;

/** The volume id of an ISO 9660 image, read from its primary volume descriptor. */
export async function isoVolumeId(path: string): Promise<string> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new GuestMediaError(`cannot open the seed image ${path}: ${error.code ?? error.message}`);
  });
  try {
    const descriptor = Buffer.alloc(VOLUME_ID_OFFSET + 32 - PVD_OFFSET);
    const { bytesRead } = await handle.read(descriptor, 0, descriptor.length, PVD_OFFSET);
    if (bytesRead < descriptor.length || descriptor[0] !== 1 || descriptor.toString('ascii', 1, 6) !== 'CD001') {
      throw new GuestMediaError(`${path} is not an ISO 9660 image (no primary volume descriptor in sector 16)`);
    }
    return descriptor.toString('ascii', VOLUME_ID_OFFSET - PVD_OFFSET).replace(/[\s\0]+$/, '');
  } finally {
    await handle.close();
  }
}

/** Parses YAML with PyYAML's safe loader, the parser cloud-init itself uses. */
async function parseYaml(text: string, what: string): Promise<unknown> {
  const script = 'import json, sys, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read()), default=str))';
  const result = await runCommand('/usr/bin/python3', ['-c', script], { input: text });
  if (result.code !== 0) {
    const why = result.stderr.trim().split('\n').slice(-3).join(' ');
    throw new GuestMediaError(`${what} is not valid YAML (cloud-init would ignore it): ${why}`);
  }
  return JSON.parse(result.stdout) as unknown;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function sudoRules(value: unknown): string[] {
  if (value === false || value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  return stringList(value);
}

/** One `users:` entry; `default` (the image's default user) and unnamed entries are skipped. */
function loginOf(entry: unknown): GuestLogin | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const record = entry as Record<string, unknown>;
  if (typeof record.name !== 'string' || record.name === '') return undefined;
  const keys = stringList(record.ssh_authorized_keys ?? record['ssh-authorized-keys']);
  const login: GuestLogin = {
    name: record.name,
    sshAuthorizedKeys: keys.map((key) => key.trim()),
    sudoRules: sudoRules(record.sudo),
    groups: stringList(record.groups),
  };
  if (typeof record.shell === 'string') login.shell = record.shell;
  return login;
}

/**
 * Reads a NoCloud seed the way cloud-init finds and reads it: the volume must be labelled
 * `cidata` (cloud-init matches the label without regard to case), the files are extracted with
 * the real xorriso, and `user-data` must be a `#cloud-config` document.
 */
export async function readNoCloudSeed(path: string): Promise<NoCloudSeed> {
  const volumeId = await isoVolumeId(path);
  if (volumeId.toLowerCase() !== 'cidata') {
    throw new GuestMediaError(
      `the seed image ${path} has volume id "${volumeId}", not "cidata": cloud-init's NoCloud datasource would not find it`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'berth-seed-'));
  try {
    const extracted = await runCommand('xorriso', ['-osirrox', 'on', '-indev', path, '-extract', '/', dir]);
    if (extracted.code !== 0) {
      throw new GuestMediaError(
        `xorriso could not read ${path}: ${extracted.stderr.trim().split('\n').slice(-2).join(' ')}`,
      );
    }
    const userData = await readFile(join(dir, 'user-data'), 'utf8').catch(() => {
      throw new GuestMediaError(`the seed image ${path} has no user-data file`);
    });
    const metaText = await readFile(join(dir, 'meta-data'), 'utf8').catch(() => {
      throw new GuestMediaError(`the seed image ${path} has no meta-data file`);
    });
    if (!userData.startsWith('#cloud-config')) {
      throw new GuestMediaError(`user-data of ${path} does not start with #cloud-config`);
    }
    const user = ((await parseYaml(userData, `user-data of ${path}`)) ?? {}) as Record<string, unknown>;
    const meta = ((await parseYaml(metaText, `meta-data of ${path}`)) ?? {}) as Record<string, unknown>;
    const hostname =
      typeof user.hostname === 'string'
        ? user.hostname
        : typeof meta['local-hostname'] === 'string'
          ? meta['local-hostname']
          : undefined;
    const users = Array.isArray(user.users) ? user.users.map(loginOf).filter((login) => login !== undefined) : [];
    const packages = Array.isArray(user.packages)
      ? user.packages.map((item) => (Array.isArray(item) ? item[0] : item)).filter((item) => typeof item === 'string')
      : [];
    return {
      volumeId,
      instanceId: typeof meta['instance-id'] === 'string' ? meta['instance-id'] : undefined,
      hostname,
      users,
      packages,
    };
  } finally {
    await runCommand('chmod', ['-R', 'u+w', dir]);
    await rm(dir, { recursive: true, force: true });
  }
}
