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
    tiny: `berth-testkit/tiny:${tinyHash}`,
    tinyTar: join(CACHE_DIR, `tiny-${tinyHash}.tar`),
  };
  await mkdir(CACHE_DIR, { recursive: true });
  if (!(await imageExists(images.base)) || !(await imageExists(images.adopt))) {
    const work = join(CACHE_DIR, `host-${hostHash}`);
    const script = join(RECIPES_DIR, 'build-host-images.sh');
    const guarded = `docker image inspect "$1" >/dev/null 2>&1 && docker image inspect "$2" >/dev/null 2>&1 || exec bash "${script}" "$@"`;
    await mustRun('flock', [LOCK_FILE, 'bash', '-c', guarded, 'build', images.base, images.adopt, work], {
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
