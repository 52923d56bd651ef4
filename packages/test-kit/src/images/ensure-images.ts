import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tryDocker } from '../engine/docker.js';
import { mustRun } from '../engine/run-command.js';
import { pathExists } from '../files/file-checks.js';
import { RECIPES_DIR } from './recipes-dir.js';

export interface TestImages {
  /** Debian 12 with systemd, sshd, sudo; docker.io only in the apt cache. */
  base: string;
  /** The same with docker.io installed and enabled (a host to adopt). */
  adopt: string;
  /**
   * `adopt` laid out as boot2docker: its os-release, login user `docker` (password-less sudo),
   * dockerd run by /etc/init.d/docker from /var/lib/boot2docker/profile instead of systemd.
   */
  boot2docker: string;
  /** A busybox image for containers inside test engines. */
  tiny: string;
  /** `docker load` tarball of `tiny`. */
  tinyTar: string;
}

export const CACHE_DIR = process.env.BERTH_TESTKIT_CACHE ?? '/var/cache/berth-testkit';
const LOCK_FILE = '/var/lock/berth-testkit-images.lock';

async function recipeHash(file: string): Promise<string> {
  const text = await readFile(join(RECIPES_DIR, file));
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

async function imageExists(tag: string): Promise<boolean> {
  return (await tryDocker(['image', 'inspect', '--format', '{{.Id}}', tag])).code === 0;
}

function logLines(log: (line: string) => void): (chunk: string) => void {
  return (chunk) => {
    for (const line of chunk.split('\n')) if (line.trim()) log(line);
  };
}

/**
 * Builds the test images when their recipe changed (tags carry the recipe's hash), else reuses
 * them. A file lock keeps concurrent test processes from building twice.
 */
export async function ensureImages(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<TestImages> {
  const hostHash = await recipeHash('build-host-images.sh');
  const tinyHash = await recipeHash('build-tiny-image.sh');
  const images: TestImages = {
    base: `berth-testkit/host:base-${hostHash}`,
    adopt: `berth-testkit/host:adopt-${hostHash}`,
    boot2docker: `berth-testkit/host:boot2docker-${hostHash}`,
    tiny: `berth-testkit/tiny:${tinyHash}`,
    tinyTar: join(CACHE_DIR, `tiny-${tinyHash}.tar`),
  };
  await mkdir(CACHE_DIR, { recursive: true });
  const hostTags = [images.base, images.adopt, images.boot2docker];
  if (!(await Promise.all(hostTags.map(imageExists))).every(Boolean)) {
    const work = join(CACHE_DIR, `host-${hostHash}`);
    const script = join(RECIPES_DIR, 'build-host-images.sh');
    // Checked again under the lock: another process may have built them meanwhile.
    const guarded = `for tag in "$1" "$2" "$3"; do docker image inspect "$tag" >/dev/null 2>&1 || exec bash "${script}" "$@"; done`;
    await mustRun('flock', [LOCK_FILE, 'bash', '-c', guarded, 'build', ...hostTags, work], {
      onOutput: logLines(log),
    });
  }
  if (!(await imageExists(images.tiny)) || !(await pathExists(images.tinyTar))) {
    const work = join(CACHE_DIR, `tiny-${tinyHash}`);
    const script = join(RECIPES_DIR, 'build-tiny-image.sh');
    await mustRun('flock', [LOCK_FILE, 'bash', script, images.tiny, images.tinyTar, work], {
      onOutput: logLines(log),
    });
  }
  return images;
}
