import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real docker-machine 0.16.2 outputs live in `shared/` beside the repository (here and in
 * CI's fresh clone). Walk up from this file until a directory holds them.
 */
const FIXTURE_DIR = join('shared', 'fixtures', 'docker-machine-0.16');

function findFixtureRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, FIXTURE_DIR);
    if (existsSync(join(candidate, 'outputs'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `docker-machine fixtures not found: no ${FIXTURE_DIR}/outputs in any parent of ${fileURLToPath(import.meta.url)}. ` +
          'Check out the shared/ directory beside the repository.',
      );
    }
    dir = parent;
  }
}

const root = findFixtureRoot();

/** Exact stdout of a recorded docker-machine command. */
export function fixtureStdout(slug: string): string {
  return readFileSync(join(root, 'outputs', `${slug}.stdout`), 'utf8');
}

/** Exact stderr of a recorded docker-machine command. */
export function fixtureStderr(slug: string): string {
  return readFileSync(join(root, 'outputs', `${slug}.stderr`), 'utf8');
}

/** A file from the recorded store, e.g. `machines/dm-generic/config.json`. */
export function fixtureStoreFile(path: string): string {
  return readFileSync(join(root, 'store', path), 'utf8');
}
