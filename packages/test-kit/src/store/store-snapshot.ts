import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A directory tree as data, for "changed nothing" / "lost nothing" assertions: keys are paths
 * relative to the root with a leading `/` (`/` is the root itself, directories end in `/`),
 * values hold the mode in octal and, for a file, the SHA-256 of its bytes (`0600 3a7b...`).
 * Compare two with `toEqual`; a vitest diff then names the entry that changed.
 */
export type TreeSnapshot = Record<string, string>;

export interface SnapshotOptions {
  /**
   * Record directories too (default true). Off for code that may briefly create and remove a
   * lock directory beside the files: only the files then count.
   */
  directories?: boolean;
  /** Record each entry's mtime too, so a file rewritten with the same bytes counts as changed. */
  mtimes?: boolean;
}

function octalMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** Every entry under `root` (see {@link TreeSnapshot}); an empty snapshot when `root` does not exist. */
export async function snapshotTree(root: string, options: SnapshotOptions = {}): Promise<TreeSnapshot> {
  const snapshot: TreeSnapshot = {};
  const withDirectories = options.directories ?? true;
  const stamp = (mtimeMs: number) => (options.mtimes ? ` mtime=${mtimeMs}` : '');
  async function walk(path: string, key: string): Promise<void> {
    const info = await lstat(path);
    if (info.isDirectory()) {
      if (withDirectories) snapshot[`${key}/`] = `${octalMode(info.mode)}${stamp(info.mtimeMs)}`;
      for (const name of (await readdir(path)).sort()) await walk(join(path, name), `${key}/${name}`);
    } else if (info.isSymbolicLink()) {
      snapshot[key] = `link -> ${await readlink(path)}${stamp(info.mtimeMs)}`;
    } else {
      const hash = createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
      snapshot[key] = `${octalMode(info.mode)} ${hash}${stamp(info.mtimeMs)}`;
    }
  }
  try {
    await lstat(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return snapshot;
    throw error;
  }
  await walk(root, '');
  return snapshot;
}
