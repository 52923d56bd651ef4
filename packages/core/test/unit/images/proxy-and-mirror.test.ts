import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startImageServer } from '@berth/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureImage } from '../../../src/images/ensure-image.js';
import { imageFetchUrl, resolveImageMirror } from '../../../src/images/image-mirror.js';
import { IMAGE_NAME, type ImageFixture, rejection, startImageFixture } from './support/image-fixture.js';

/** A plain HTTP forward proxy (absolute-URI requests, no CONNECT) that records what it forwarded. */
async function startForwardProxy(): Promise<{ url: string; forwarded: string[]; close(): Promise<void> }> {
  const forwarded: string[] = [];
  const server: Server = createServer((request, response) => {
    const target = new URL(request.url ?? '');
    forwarded.push(request.url ?? '');
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let fx: ImageFixture;
beforeEach(async () => {
  fx = await startImageFixture();
});
afterEach(async () => {
  await fx.dispose();
});

describe('proxy', () => {
  it('goes through HTTP_PROXY (as an absolute-URI request), and straight to the server when NO_PROXY matches', async () => {
    const proxy = await startForwardProxy();
    try {
      const image = await ensureImage({
        url: fx.url,
        checksum: fx.checksum,
        cacheDir: fx.cacheDir,
        env: { HTTP_PROXY: proxy.url },
      });
      expect(image.fromCache).toBe(false);
      expect(proxy.forwarded).toEqual([fx.url]);
      expect(fx.server.fetches()).toBe(1);

      const other = await startImageFixture();
      try {
        await ensureImage({
          url: other.url,
          checksum: other.checksum,
          cacheDir: other.cacheDir,
          env: { http_proxy: proxy.url, no_proxy: 'example.org,127.0.0.1' },
        });
        expect(proxy.forwarded).toEqual([fx.url]);
        expect(other.server.fetches()).toBe(1);
      } finally {
        await other.dispose();
      }
    } finally {
      await proxy.close();
    }
  });
});

describe('mirror', () => {
  it('fetches <mirror>/<basename of url> (flag first, then BERTH_IMAGE_MIRROR) and caches under the original name', async () => {
    const mirror = await startImageServer({ files: { [IMAGE_NAME]: fx.bytes } });
    try {
      const upstream = `https://cloud.debian.org.invalid/images/cloud/bookworm/20260712-2537/${IMAGE_NAME}`;
      const byFlag = await ensureImage({
        url: upstream,
        checksum: fx.checksum,
        cacheDir: fx.cacheDir,
        mirror: `${mirror.url}/`,
        env: { BERTH_IMAGE_MIRROR: 'http://127.0.0.1:9/never-used' },
      });
      expect(mirror.requests().map((r) => r.target)).toEqual([`/${IMAGE_NAME}`]);
      expect(byFlag.path).toBe(`${fx.cacheDir}/images/${fx.checksum.slice(7, 23)}-${IMAGE_NAME}`);
      expect(
        createHash('sha512')
          .update(await readFile(byFlag.path))
          .digest('hex'),
      ).toBe(fx.checksum.slice(7));

      const other = await startImageFixture();
      try {
        mirror.setFile(IMAGE_NAME, other.bytes);
        const byEnv = await ensureImage({
          url: upstream,
          checksum: other.checksum,
          cacheDir: other.cacheDir,
          env: { BERTH_IMAGE_MIRROR: mirror.url },
        });
        expect(byEnv.fromCache).toBe(false);
        expect(mirror.fetches()).toBe(2);
        expect(other.server.fetches()).toBe(0);
      } finally {
        await other.dispose();
      }
    } finally {
      await mirror.close();
    }
  });

  it('a mirror without the file: ImageNotFound naming the mirror and the file name', async () => {
    const mirror = await startImageServer();
    try {
      const error = await rejection(
        ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, mirror: mirror.url, env: {} }),
      );
      expect(error.code).toBe('ImageNotFound');
      expect(error.message).toBe(`Image not found: ${mirror.url}/${IMAGE_NAME} answered 404`);
      expect(error.actions).toEqual([`Check that the mirror ${mirror.url} holds the file ${IMAGE_NAME}.`]);
    } finally {
      await mirror.close();
    }
  });

  it('resolves the setting and the fetch URL', () => {
    expect(resolveImageMirror(undefined, {})).toBeUndefined();
    expect(resolveImageMirror(undefined, { BERTH_IMAGE_MIRROR: ' ' })).toBeUndefined();
    expect(resolveImageMirror('http://a/', { BERTH_IMAGE_MIRROR: 'http://b/' })).toBe('http://a/');
    expect(resolveImageMirror(undefined, { BERTH_IMAGE_MIRROR: 'https://b/x' })).toBe('https://b/x');
    expect(() => resolveImageMirror('/srv/images', {})).toThrow(
      expect.objectContaining({ code: 'ImageMirrorInvalid' }),
    );
    expect(() => resolveImageMirror('ftp://x/', {})).toThrow(expect.objectContaining({ code: 'ImageMirrorInvalid' }));
    expect(imageFetchUrl('https://h/p/q/debian.qcow2?x=1', 'http://m/dir//')).toBe('http://m/dir/debian.qcow2');
    expect(imageFetchUrl('https://h/p/debian.qcow2', undefined)).toBe('https://h/p/debian.qcow2');
  });
});
