import { createHash } from 'node:crypto';
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedImagePaths } from '../../../src/images/cache-layout.js';
import { parseChecksum } from '../../../src/images/checksum.js';
import { ensureImage } from '../../../src/images/ensure-image.js';
import { IMAGE_NAME, IMAGE_SIZE, type ImageFixture, rejection, startImageFixture } from './support/image-fixture.js';

let fx: ImageFixture;
const noProxy = { env: {} };

beforeEach(async () => {
  fx = await startImageFixture();
});
afterEach(async () => {
  await fx.dispose();
});

function sha512(bytes: Buffer): string {
  return createHash('sha512').update(bytes).digest('hex');
}

describe('ensureImage', () => {
  it('downloads into the cache under a name from the checksum, verified, with a mark', async () => {
    const image = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    const hex = fx.checksum.slice('sha512:'.length);
    expect(image).toEqual({
      path: `${fx.cacheDir}/images/${hex.slice(0, 16)}-${IMAGE_NAME}`,
      fromCache: false,
      bytes: IMAGE_SIZE,
    });
    expect(sha512(await readFile(image.path))).toBe(hex);
    expect(await fx.cacheEntries()).toEqual([
      `${hex.slice(0, 16)}-${IMAGE_NAME}`,
      `${hex.slice(0, 16)}-${IMAGE_NAME}.verified`,
    ]);
    const mark = JSON.parse(await readFile(`${image.path}.verified`, 'utf8'));
    const stats = await stat(image.path);
    expect(mark).toEqual({ checksum: fx.checksum, size: IMAGE_SIZE, mtimeMs: stats.mtimeMs });
    expect(fx.server.requests().map((r) => [r.method, r.range, r.status])).toEqual([['GET', undefined, 200]]);
  });

  it('sends no request at all for a verified cache, and works with the server gone', async () => {
    const first = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    expect(fx.server.fetches()).toBe(1);
    const second = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    expect(second).toEqual({ ...first, fromCache: true });
    expect(fx.server.fetches()).toBe(1);
    await fx.server.close();
    // Offline: the same call still answers from the cache.
    const offline = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    expect(offline.fromCache).toBe(true);
  });

  it('re-verifies (without a request) a cached file whose mtime changed, and refetches a corrupted one', async () => {
    const first = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    const lines: string[] = [];
    await utimes(first.path, new Date(), new Date(Date.now() - 60_000));
    const touched = await ensureImage({
      url: fx.url,
      checksum: fx.checksum,
      cacheDir: fx.cacheDir,
      onProgress: (text) => lines.push(text),
      ...noProxy,
    });
    expect(touched.fromCache).toBe(true);
    expect(fx.server.fetches()).toBe(1);
    expect(lines).toEqual([`Verifying cached image ${first.path}...\n`, `Image ready: ${first.path}\n`]);
    const mark = JSON.parse(await readFile(`${first.path}.verified`, 'utf8'));
    expect(mark.mtimeMs).toBe((await stat(first.path)).mtimeMs);

    // Same size, other bytes: the size/mtime check sends it to a full hash, which fails, so it is fetched again.
    const corrupted = Buffer.from(fx.bytes);
    corrupted[0] = (corrupted[0] as number) ^ 0xff;
    await writeFile(first.path, corrupted);
    const refetched = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    expect(refetched.fromCache).toBe(false);
    expect(fx.server.fetches()).toBe(2);
    expect(sha512(await readFile(refetched.path))).toBe(fx.checksum.slice(7));
  });

  it('never reuses a file for another checksum, and shares one between URLs with the same bytes', async () => {
    await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    const sha256 = `sha256:${createHash('sha256').update(fx.bytes).digest('hex')}`;
    const other = await ensureImage({ url: fx.url, checksum: sha256, cacheDir: fx.cacheDir, ...noProxy });
    expect(other.fromCache).toBe(false);
    expect(fx.server.fetches()).toBe(2);

    // Another host, same file name and bytes (localhost instead of 127.0.0.1): the same cache entry.
    const sameBytes = fx.url.replace('127.0.0.1', 'localhost');
    const shared = await ensureImage({ url: sameBytes, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy });
    expect(shared.fromCache).toBe(true);
    expect(fx.server.fetches()).toBe(2);
    const checksum = parseChecksum(fx.checksum);
    expect(checksum).toBeDefined();
    if (checksum !== undefined) expect(shared.path).toBe(cachedImagePaths(fx.cacheDir, checksum, fx.url).file);
  });

  it('rejects a malformed checksum before any request', async () => {
    for (const bad of ['md5:abc', 'sha512:abcd', `sha256:${'g'.repeat(64)}`, 'deadbeef']) {
      const error = await rejection(ensureImage({ url: fx.url, checksum: bad, cacheDir: fx.cacheDir, ...noProxy }));
      expect(error.code).toBe('ImageChecksumInvalid');
      expect(error.message).toContain(bad);
    }
    expect(fx.server.fetches()).toBe(0);
  });

  it('lets two concurrent calls for one image download it once', async () => {
    fx.server.injectFault({ bytesPerSecond: 16 * 1024 * 1024 });
    const both = await Promise.all([
      ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy }),
      ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, ...noProxy }),
    ]);
    expect(both.map((image) => image.fromCache).sort()).toEqual([false, true]);
    expect(fx.server.fetches()).toBe(1);
  });
});
