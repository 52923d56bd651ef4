import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ImageServer, startImageServer } from '@berth/test-kit';

export const IMAGE_NAME = 'debian-12-genericcloud-amd64-test.qcow2';
export const IMAGE_SIZE = 4 * 1024 * 1024;

/** A few MiB of random bytes served by a real local image server, and an empty cache to fill. */
export interface ImageFixture {
  bytes: Buffer;
  checksum: string;
  server: ImageServer;
  url: string;
  cacheDir: string;
  /** Names in `<cacheDir>/images`, sorted. */
  cacheEntries(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function startImageFixture(algorithm: 'sha256' | 'sha512' = 'sha512'): Promise<ImageFixture> {
  const bytes = randomBytes(IMAGE_SIZE);
  const checksum = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  const server = await startImageServer({ files: { [IMAGE_NAME]: bytes } });
  const root = await mkdtemp(join(tmpdir(), 'berth-images-'));
  const cacheDir = join(root, 'cache');
  return {
    bytes,
    checksum,
    server,
    url: server.urlOf(IMAGE_NAME),
    cacheDir,
    cacheEntries: async () => (await readdir(join(cacheDir, 'images')).catch(() => [])).sort(),
    dispose: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The error `promise` rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code: string; actions: string[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string; actions: string[] };
  }
  throw new Error('expected a rejection, but it resolved');
}
