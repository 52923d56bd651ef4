import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Recordings of docker-machine 0.16.2 (read-only; never write into them). */
export const FIXTURE_ROOT = process.env.BERTH_DM_FIXTURES ?? '/work/shared/fixtures/docker-machine-0.16';
export const FIXTURE_STORE = join(FIXTURE_ROOT, 'store');

function requireFixtures(): void {
  if (!existsSync(join(FIXTURE_STORE, 'machines'))) {
    throw new Error(
      `docker-machine 0.16 fixtures not found at ${FIXTURE_ROOT}; set BERTH_DM_FIXTURES to the directory holding store/ and outputs/`,
    );
  }
}

export function fixtureOutput(name: string): Promise<string> {
  requireFixtures();
  return readFile(join(FIXTURE_ROOT, 'outputs', name), 'utf8');
}

export async function makeTempDir(prefix = 'berth-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Copies the fixture store into a fresh temp dir and gives it docker-machine's modes back
 * (dirs 0700, certs 0644, everything else 0600); the shared copy is read-only.
 */
export async function copyFixtureStore(): Promise<string> {
  requireFixtures();
  const root = join(await makeTempDir(), 'machine');
  await cp(FIXTURE_STORE, root, { recursive: true });
  await restoreModes(root);
  return root;
}

async function restoreModes(path: string): Promise<void> {
  if ((await stat(path)).isDirectory()) {
    await chmod(path, 0o700);
    for (const entry of await readdir(path)) await restoreModes(join(path, entry));
    return;
  }
  const isCert = path.endsWith('.pem') && !path.endsWith('key.pem');
  await chmod(path, isCert ? 0o644 : 0o600);
}

export interface TreeEntry {
  path: string;
  mode: number;
  size: number;
  mtimeMs: number;
  content?: string;
}

/** Files only: for code that may briefly create (and remove) a lock directory next to them. */
export async function snapshotFiles(root: string): Promise<TreeEntry[]> {
  return (await snapshotTree(root)).filter((entry) => entry.content !== undefined);
}

/** Every entry under `root` with mode, size, mtime and file content, for before/after comparisons. */
export async function snapshotTree(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function walk(path: string): Promise<void> {
    const info = await stat(path);
    const entry: TreeEntry = { path, mode: info.mode, size: info.size, mtimeMs: info.mtimeMs };
    if (info.isDirectory()) {
      out.push(entry);
      for (const name of (await readdir(path)).sort()) await walk(join(path, name));
    } else {
      out.push({ ...entry, content: (await readFile(path)).toString('base64') });
    }
  }
  await walk(root);
  return out;
}
