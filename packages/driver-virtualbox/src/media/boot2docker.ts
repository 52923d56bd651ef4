import { mkdir, mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create as createTar } from 'tar';
import { VirtualBoxFlagError } from '../errors.js';

const FLAG = 'virtualbox-boot2docker-url';
/** The first member of a boot2docker data disk: its automount formats the disk, then unpacks the rest into docker's home. */
export const FORMAT_ME = 'boot2docker, please format-me';
/** The raw disk handed to `convertfromraw` (the VMDK is then resized to the machine's disk size). */
export const RAW_DISK_BYTES = 1024 * 1024;

/**
 * The local ISO a `--virtualbox-boot2docker-url` names (a path or a file:// URL), or undefined
 * when none is given. Downloads are not done by the driver: the host fetches images into its cache
 * only by checksum, and boot2docker publishes none, so an http(s) URL is refused with what to do.
 */
export function boot2DockerIsoPath(url: string, cwd: string = process.cwd()): string | undefined {
  const value = url.trim();
  if (value === '') return undefined;
  if (/^https?:\/\//i.test(value)) {
    throw new VirtualBoxFlagError(`--${FLAG} ${value}: Berth does not download boot2docker ISOs`, {
      actions: [`Download the ISO yourself and pass its path: --${FLAG} /path/to/boot2docker.iso.`],
      data: { flag: FLAG },
    });
  }
  if (/^file:/i.test(value)) {
    try {
      return fileURLToPath(value);
    } catch (error) {
      throw new VirtualBoxFlagError(`--${FLAG} ${value} is not a file URL of this host`, {
        data: { flag: FLAG },
        cause: error,
      });
    }
  }
  // A Windows drive path (C:\...) is a path, not a URL scheme.
  if (/^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    throw new VirtualBoxFlagError(`--${FLAG} ${value}: only a local path or a file:// URL is supported`, {
      data: { flag: FLAG },
    });
  }
  return isAbsolute(value) ? value : resolve(cwd, value);
}

/** Refuses a boot2docker ISO path that is not a file. */
export async function requireIsoFile(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) {
    throw new VirtualBoxFlagError(`--${FLAG}: ${path} does not exist or is not a file`, { data: { flag: FLAG, path } });
  }
}

/**
 * Writes boot2docker's data disk as a raw image: a tar whose first member is {@link FORMAT_ME}
 * (with the same text), then `.ssh/authorized_keys` and `.ssh/authorized_keys2` with the machine's
 * key, padded with zeros to {@link RAW_DISK_BYTES}.
 */
export async function writeBoot2DockerRawDisk(path: string, publicKey: string): Promise<void> {
  const staging = await mkdtemp(join(tmpdir(), 'berth-b2d-'));
  try {
    await writeFile(join(staging, FORMAT_ME), FORMAT_ME, { mode: 0o644 });
    await mkdir(join(staging, '.ssh'), { mode: 0o700 });
    for (const file of ['authorized_keys', 'authorized_keys2']) {
      await writeFile(join(staging, '.ssh', file), `${publicKey.trim()}\n`, { mode: 0o644 });
    }
    await createTar({ file: path, cwd: staging, portable: true, noDirRecurse: true }, [
      FORMAT_ME,
      '.ssh',
      '.ssh/authorized_keys',
      '.ssh/authorized_keys2',
    ]);
    await truncate(path, RAW_DISK_BYTES);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
