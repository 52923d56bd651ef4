import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The first tar member boot2docker's automount looks for (boot2docker's own constant; the test
 * kit's guest reads it as `BOOT2DOCKER_MAGIC`, which its public index does not export).
 */
const BOOT2DOCKER_MAGIC = 'boot2docker, please format-me';
const DISK_BYTES = 1024 * 1024;

/**
 * Writes the data disk docker-machine's create leaves for a boot2docker VM (`disk.vmdk`,
 * `disk.vhd`): at offset 0 a tar whose first member is the magic file, then `.ssh/authorized_keys`
 * with the machine's key, then zeros. The simulators' guests read the key from it.
 */
export async function writeBoot2DockerDataDisk(path: string, publicKey: string): Promise<void> {
  const src = await mkdtemp(join(tmpdir(), 'berth-b2d-disk-'));
  try {
    await mkdir(join(src, '.ssh'));
    await writeFile(join(src, BOOT2DOCKER_MAGIC), BOOT2DOCKER_MAGIC);
    await writeFile(join(src, '.ssh', 'authorized_keys'), `${publicKey.trim()}\n`);
    // GNU tar writes the members in the order given: the magic one must come first.
    const members = [BOOT2DOCKER_MAGIC, '.ssh', '.ssh/authorized_keys'];
    const tar = execFileSync('tar', ['--no-recursion', '-C', src, '-c', ...members]);
    await writeFile(path, Buffer.concat([tar, Buffer.alloc(Math.max(0, DISK_BYTES - tar.length))]));
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}
