import { open } from 'node:fs/promises';
import { runCommand } from '../../engine/run-command.js';
import { GuestMediaError } from './guest-errors.js';

/** The first member's name (and content) that tells boot2docker to format the disk and unpack the tar. */
export const BOOT2DOCKER_MAGIC = 'boot2docker, please format-me';

export interface Boot2DockerDisk {
  /** Key lines of `.ssh/authorized_keys` (or `authorized_keys2`) in the tar. */
  authorizedKeys: string[];
}

/** Name field of the first tar header (bytes 0-99, NUL-terminated). */
async function firstMemberName(path: string): Promise<string> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new GuestMediaError(`cannot open the disk ${path}: ${error.code ?? error.message}`);
  });
  try {
    const header = Buffer.alloc(512);
    const { bytesRead } = await handle.read(header, 0, 512, 0);
    if (bytesRead < 512 || header.toString('ascii', 257, 262) !== 'ustar') return '';
    const end = header.indexOf(0);
    return header.toString('utf8', 0, end >= 0 && end < 100 ? end : 100);
  } finally {
    await handle.close();
  }
}

/** Whether the file starts with boot2docker's tar (the magic first member). */
export async function isBoot2DockerDisk(path: string): Promise<boolean> {
  return (await firstMemberName(path).catch(() => '')) === BOOT2DOCKER_MAGIC;
}

/**
 * Reads a boot2docker data disk as boot2docker's automount does: a tar at offset 0 whose first
 * member is the magic file, then the `docker` user's files. The tar is read with GNU tar.
 */
export async function readBoot2DockerDisk(path: string): Promise<Boot2DockerDisk> {
  const first = await firstMemberName(path);
  if (first !== BOOT2DOCKER_MAGIC) {
    throw new GuestMediaError(
      `the disk ${path} does not start with a tar whose first member is "${BOOT2DOCKER_MAGIC}": boot2docker would not set it up`,
    );
  }
  for (const member of ['.ssh/authorized_keys', '.ssh/authorized_keys2']) {
    const read = await runCommand('tar', ['-x', '-O', '--warning=no-alone-zero-block', '-f', path, member]);
    const keys = read.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    if (read.code === 0 && keys.length > 0) return { authorizedKeys: keys };
  }
  throw new GuestMediaError(`the boot2docker tar on ${path} has no .ssh/authorized_keys`);
}
