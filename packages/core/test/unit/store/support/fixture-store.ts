import { chmod, cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerMachineFixture } from '@berth/test-kit';

/** A recorded docker-machine 0.16.2 output, by file name (`ls.stdout`). */
export function fixtureOutput(name: string): Promise<string> {
  return readFile(dockerMachineFixture('outputs', name), 'utf8');
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
  const root = join(await makeTempDir(), 'machine');
  await cp(dockerMachineFixture('store'), root, { recursive: true });
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
