import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadFailureKind } from '../../../src/images/download-failure.js';
import { ensureImage } from '../../../src/images/ensure-image.js';
import { IMAGE_NAME, IMAGE_SIZE, type ImageFixture, rejection, startImageFixture } from './support/image-fixture.js';

let fx: ImageFixture;
let name: string;
let part: string;

beforeEach(async () => {
  fx = await startImageFixture();
  name = `${fx.checksum.slice(7, 23)}-${IMAGE_NAME}`;
  part = join(fx.cacheDir, 'images', `${name}.part`);
});
afterEach(async () => {
  await fx.dispose();
});

const fetchImage = () => ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, env: {} });

async function expectVerifiedImage(path: string): Promise<void> {
  expect(
    createHash('sha512')
      .update(await readFile(path))
      .digest('hex'),
  ).toBe(fx.checksum.slice(7));
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('download faults', () => {
  it('404: ImageNotFound naming the URL and the mirror setting, nothing in the cache', async () => {
    fx.server.injectFault({ notFound: true });
    const error = await rejection(fetchImage());
    expect(error.code).toBe('ImageNotFound');
    expect(error.message).toBe(`Image not found: ${fx.url} answered 404`);
    expect(error.actions.join('\n')).toContain('BERTH_IMAGE_MIRROR');
    expect(await fx.cacheEntries()).toEqual([]);
  });

  it('truncated transfer: ImageDownloadInterrupted that says a rerun resumes; only the .part remains', async () => {
    fx.server.injectFault({ truncateAfterBytes: 1024 * 1024 + 17 }, { times: 1 });
    const error = await rejection(fetchImage());
    expect(error.code).toBe('ImageDownloadInterrupted');
    expect(error.message).toContain(`Download of ${fx.url} was interrupted after 1.0 MiB of 4.0 MiB`);
    expect(error.actions).toEqual([`Rerun the command: the download resumes from ${part}.`]);
    expect(await fx.cacheEntries()).toEqual([`${name}.part`]);
    // Every byte the client got is on disk (its HTTP stack may drop the last few kB it held).
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(512 * 1024);
    expect(kept).toBeLessThanOrEqual(1024 * 1024 + 17);

    // The rerun asks only for the rest, and the joined file verifies.
    const image = await fetchImage();
    expect(fx.server.rangeHeaders()).toEqual([`bytes=${kept}-`]);
    expect(fx.server.requests().at(-1)?.status).toBe(206);
    expect(image).toMatchObject({ fromCache: false, bytes: IMAGE_SIZE });
    await expectVerifiedImage(image.path);
    expect(await fx.cacheEntries()).toEqual([name, `${name}.verified`]);
  });

  it('a server that ignores Range (200): starts over from 0 and still verifies', async () => {
    fx.server.injectFault({ truncateAfterBytes: 1024 * 1024 }, { times: 1 });
    await rejection(fetchImage());
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    fx.server.injectFault({ ignoreRange: true });
    const image = await fetchImage();
    expect(fx.server.requests().map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      [`bytes=${kept}-`, 200],
    ]);
    await expectVerifiedImage(image.path);
  });

  it('416 for a part longer than the file: starts over; a part that is the whole file is just verified', async () => {
    await mkdir(join(fx.cacheDir, 'images'), { recursive: true });
    await writeFile(part, Buffer.alloc(IMAGE_SIZE + 10));
    const image = await fetchImage();
    expect(fx.server.requests().map((r) => [r.range, r.status])).toEqual([
      [`bytes=${IMAGE_SIZE + 10}-`, 416],
      [undefined, 200],
    ]);
    await expectVerifiedImage(image.path);

    // A run that died between the last byte and the rename: the 416 total equals the part's size.
    const other = await startImageFixture();
    try {
      const otherName = `${other.checksum.slice(7, 23)}-${IMAGE_NAME}`;
      await mkdir(join(other.cacheDir, 'images'), { recursive: true });
      await writeFile(join(other.cacheDir, 'images', `${otherName}.part`), other.bytes);
      const whole = await ensureImage({ url: other.url, checksum: other.checksum, cacheDir: other.cacheDir, env: {} });
      expect(other.server.requests().map((r) => [r.range, r.status])).toEqual([[`bytes=${IMAGE_SIZE}-`, 416]]);
      expect(whole).toMatchObject({ fromCache: false, bytes: IMAGE_SIZE });
      expect(await other.cacheEntries()).toEqual([otherName, `${otherName}.verified`]);
    } finally {
      await other.dispose();
    }
  });

  it('wrong bytes: ImageChecksumMismatch with both digests; the .part is removed', async () => {
    fx.server.injectFault({ wrongBytes: true });
    const error = await rejection(fetchImage());
    expect(error.code).toBe('ImageChecksumMismatch');
    const inverted = Buffer.from(fx.bytes.map((byte) => 255 - byte));
    const got = `sha512:${createHash('sha512').update(inverted).digest('hex')}`;
    expect(error.message).toBe(
      `Checksum mismatch for ${fx.url}: expected ${fx.checksum}, got ${got}. Removed ${part}.`,
    );
    expect(await fx.cacheEntries()).toEqual([]);
  });

  it('wrong bytes after a resume: the whole file is checked, not just the new bytes', async () => {
    fx.server.injectFault({ truncateAfterBytes: 2 * 1024 * 1024 }, { times: 1 });
    await rejection(fetchImage());
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    fx.server.injectFault({ wrongBytes: true });
    const error = await rejection(fetchImage());
    expect(error.code).toBe('ImageChecksumMismatch');
    expect(fx.server.rangeHeaders()).toEqual([`bytes=${kept}-`]);
    expect(await fx.cacheEntries()).toEqual([]);
  });

  it('connection refused: ImageUnreachable naming the host, the proxy variables and the mirror', async () => {
    const port = await closedLoopbackPort();
    const url = `http://127.0.0.1:${port}/${IMAGE_NAME}`;
    const error = await rejection(ensureImage({ url, checksum: fx.checksum, cacheDir: fx.cacheDir, env: {} }));
    expect(error.code).toBe('ImageUnreachable');
    expect(error.message).toMatch(
      new RegExp(`^Cannot reach 127\\.0\\.0\\.1:${port} to download ${url}: .*ECONNREFUSED`),
    );
    expect(error.actions.join('\n')).toContain('HTTPS_PROXY / HTTP_PROXY');
    expect(error.actions.join('\n')).toContain('BERTH_IMAGE_MIRROR');
    expect(await fx.cacheEntries()).toEqual([]);
  });

  it('a proxy that is down: ImageUnreachable names the proxy', async () => {
    const proxy = `http://127.0.0.1:${await closedLoopbackPort()}`;
    const error = await rejection(
      ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, env: { HTTP_PROXY: proxy } }),
    );
    expect(error.code).toBe('ImageUnreachable');
    expect(error.message).toContain(`through the proxy ${proxy}`);
    expect(fx.server.fetches()).toBe(0);
  });

  it('ENOSPC from a real write (the .part is /dev/full): ImageDiskFull saying where and how much', async () => {
    await mkdir(join(fx.cacheDir, 'images'), { recursive: true });
    await symlink('/dev/full', part);
    const error = await rejection(fetchImage());
    expect(error.code).toBe('ImageDiskFull');
    expect(error.message).toBe(`Not enough disk space in ${join(fx.cacheDir, 'images')}: the image needs 4.0 MiB more`);
    expect(error.actions[0]).toContain(`Free space on the file system of ${join(fx.cacheDir, 'images')}`);
    expect(await fx.cacheEntries()).toEqual([`${name}.part`]);
  });

  it('sorts errno codes: ENOSPC/EDQUOT are the disk, EACCES on a write is the cache, the rest is the network', () => {
    const errno = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall });
    expect(downloadFailureKind(errno('ENOSPC', 'write'), 'body')).toBe('disk-full');
    expect(downloadFailureKind(errno('EDQUOT', 'write'), 'body')).toBe('disk-full');
    expect(downloadFailureKind(errno('EACCES', 'open'), 'body')).toBe('cache');
    expect(downloadFailureKind(errno('ECONNRESET', 'read'), 'body')).toBe('interrupted');
    expect(downloadFailureKind(errno('ECONNREFUSED', 'connect'), 'connect')).toBe('unreachable');
    expect(downloadFailureKind(errno('ENOTFOUND', 'getaddrinfo'), 'connect')).toBe('unreachable');
    expect(downloadFailureKind(errno('EHOSTUNREACH', 'connect'), 'connect')).toBe('unreachable');
    expect(downloadFailureKind(new Error('any'), 'body', true)).toBe('cancelled');
    const wrapped = new TypeError('fetch failed', { cause: errno('ENOSPC', 'write') });
    expect(downloadFailureKind(wrapped, 'body')).toBe('disk-full');
  });
});
