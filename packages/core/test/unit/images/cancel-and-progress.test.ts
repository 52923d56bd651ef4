import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CancelledError } from '@berth/driver-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadProgress, percentMarks } from '../../../src/images/download-progress.js';
import { ensureImage } from '../../../src/images/ensure-image.js';
import { IMAGE_NAME, type ImageFixture, rejection, startImageFixture } from './support/image-fixture.js';

const FULL_BAR = '0%....10%....20%....30%....40%....50%....60%....70%....80%....90%....100%';

let fx: ImageFixture;
let part: string;
let file: string;
beforeEach(async () => {
  fx = await startImageFixture();
  file = join(fx.cacheDir, 'images', `${fx.checksum.slice(7, 23)}-${IMAGE_NAME}`);
  part = `${file}.part`;
});
afterEach(async () => {
  await fx.dispose();
});

describe('Ctrl-C', () => {
  it('stops the transfer, keeps the .part, rejects with CancelledError; the rerun resumes', async () => {
    fx.server.injectFault({ bytesPerSecond: 2 * 1024 * 1024 }, { times: 1 });
    const controller = new AbortController();
    const output: string[] = [];
    const running = ensureImage({
      url: fx.url,
      checksum: fx.checksum,
      cacheDir: fx.cacheDir,
      env: {},
      signal: controller.signal,
      isTty: true,
      onProgress: (text) => {
        output.push(text);
        // Abort once the bar passed 20 %: well inside the transfer.
        if (output.join('').includes('20%')) controller.abort();
      },
    });
    const error = await rejection(running);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.code).toBe('Cancelled');
    expect(error.message).toBe(`Image download cancelled; rerun to resume from ${part}`);
    // The half-drawn bar was ended with a newline.
    expect(output.join('')).toMatch(/^Downloading .*\.\.\.\n0%\.\.\.\.10%\.\.\.\.20%[.0-9%]*\n$/);
    expect(await fx.cacheEntries()).toEqual([`${fx.checksum.slice(7, 23)}-${IMAGE_NAME}.part`]);
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(fx.bytes.length);

    const image = await ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, env: {} });
    expect(fx.server.rangeHeaders()).toEqual([`bytes=${kept}-`]);
    expect(
      createHash('sha512')
        .update(await readFile(image.path))
        .digest('hex'),
    ).toBe(fx.checksum.slice(7));
  });

  it('an already aborted signal sends no request', async () => {
    const error = await rejection(
      ensureImage({ url: fx.url, checksum: fx.checksum, cacheDir: fx.cacheDir, env: {}, signal: AbortSignal.abort() }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(fx.server.fetches()).toBe(0);
  });
});

describe('progress', () => {
  it("draws docker-machine's percentage line on a TTY, each line prefixed", async () => {
    const output: string[] = [];
    await ensureImage({
      url: fx.url,
      checksum: fx.checksum,
      cacheDir: fx.cacheDir,
      env: {},
      isTty: true,
      linePrefix: '(web) ',
      onProgress: (text) => output.push(text),
    });
    expect(output.join('')).toBe(
      `(web) Downloading ${fx.url}...\n(web) ${FULL_BAR}\n(web) Verifying checksum...\n(web) Image ready: ${file}\n`,
    );
    // Drawn as the bytes came, not at once at the end.
    expect(output.filter((text) => /^[.0-9%]+$/.test(text)).length).toBeGreaterThan(5);
  });

  it('prints one plain line per step when not a TTY, and says where a resume starts', async () => {
    fx.server.injectFault({ truncateAfterBytes: 1024 * 1024 }, { times: 1 });
    const first: string[] = [];
    await rejection(
      ensureImage({
        url: fx.url,
        checksum: fx.checksum,
        cacheDir: fx.cacheDir,
        env: {},
        onProgress: (t) => first.push(t),
      }),
    );
    expect(first).toEqual([`Downloading ${fx.url}...\n`]);
    const kept = (await stat(part)).size;
    const second: string[] = [];
    await ensureImage({
      url: fx.url,
      checksum: fx.checksum,
      cacheDir: fx.cacheDir,
      env: {},
      onProgress: (t) => second.push(t),
    });
    expect(second).toEqual([
      `Resuming download of ${fx.url} at ${(kept / 1024 / 1024).toFixed(1)} MiB...\n`,
      'Downloaded 4.0 MiB\n',
      'Verifying checksum...\n',
      `Image ready: ${file}\n`,
    ]);
  });

  it('renders marks every 2 % and the percentage every 10 %, resuming mid-way without repeats', () => {
    expect(percentMarks(0, 50)).toBe(FULL_BAR.slice(2));
    expect(percentMarks(0, 6)).toBe('....10%.');
    const text: string[] = [];
    const progress = new DownloadProgress((t) => text.push(t), { isTty: true });
    progress.startTransfer('http://x/i', 450, 1000);
    expect(text.join('')).toBe('Resuming download of http://x/i at 0.0 MiB...\n0%....10%....20%....30%....40%..');
    progress.advance(455);
    progress.advance(1000);
    progress.endTransfer(1000);
    progress.step('Image ready: /c/i');
    expect(text.join('')).toBe(`Resuming download of http://x/i at 0.0 MiB...\n${FULL_BAR}\nImage ready: /c/i\n`);
  });
});
