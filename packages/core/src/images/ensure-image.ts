import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { CancelledError } from '@berth/driver-protocol';
import {
  ImageCacheError,
  ImageChecksumInvalidError,
  ImageChecksumMismatchError,
  ImageDiskFullError,
} from '../errors/image-errors.js';
import { errnoCode } from '../store/fs-error.js';
import { withFileLock } from '../store/store-lock.js';
import { type CachedImagePaths, cachedImagePaths } from './cache-layout.js';
import { type Checksum, hashFilePrefix, parseChecksum } from './checksum.js';
import { DownloadProgress, type ProgressSink } from './download-progress.js';
import { transferToPart } from './http-transfer.js';
import { imageFetchUrl, resolveImageMirror } from './image-mirror.js';
import { createDownloadDispatcher, proxyFor, proxySettingsFrom } from './proxy-dispatcher.js';
import { markVouchesFor, readVerifiedMark, writeVerifiedMark } from './verified-mark.js';

export interface EnsureImageOptions {
  /** The image's canonical URL (also what names it in the cache). */
  url: string;
  /** `sha512:<hex>` or `sha256:<hex>`. */
  checksum: string;
  /** `<store>/cache`; images go in its `images/` directory. */
  cacheDir: string;
  /**
   * A mirror to fetch from instead (the driver's flag); when undefined, BERTH_IMAGE_MIRROR. The
   * file is fetched from `<mirror>/<basename of url>`.
   */
  mirror?: string;
  /** Where proxy and mirror variables are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Ctrl-C: stops the transfer, keeps the part, rejects with CancelledError. */
  signal?: AbortSignal;
  /** Progress text (see DownloadProgress). */
  onProgress?: ProgressSink;
  /** Draw the transfer as docker-machine's percentage line. Default false: one line per step. */
  isTty?: boolean;
  /** In front of every progress line, e.g. `(web) `. */
  linePrefix?: string;
  /** How long to wait for another process downloading the same image. Default 30 minutes. */
  lockWaitMs?: number;
}

export interface CachedImage {
  /** The verified image in the cache. */
  path: string;
  /** True when no byte was fetched for this call. */
  fromCache: boolean;
  /** Size of the image. */
  bytes: number;
}

const DEFAULT_LOCK_WAIT_MS = 30 * 60_000;

/**
 * Makes sure the image `url` with `checksum` is in the cache, verified, and returns its path.
 * A file vouched for by its `.verified` mark (same checksum, size and mtime) is used without any
 * request or hash: offline works, and a second create costs nothing. Otherwise the image is fetched
 * into `<file>.part` (resumed with Range when a part is there), its digest checked over the whole
 * file, and only then renamed to its cache name: nothing half-written ever carries that name.
 */
export async function ensureImage(options: EnsureImageOptions): Promise<CachedImage> {
  const checksum = parseChecksum(options.checksum);
  if (checksum === undefined) throw new ImageChecksumInvalidError(options.checksum);
  const paths = cachedImagePaths(options.cacheDir, checksum, options.url);
  const progress = new DownloadProgress(options.onProgress, {
    ...(options.isTty === undefined ? {} : { isTty: options.isTty }),
    ...(options.linePrefix === undefined ? {} : { linePrefix: options.linePrefix }),
  });
  const { signal } = options;
  if (signal?.aborted) throw new CancelledError('Image download cancelled');

  // Fast path without the lock: the name only ever appears through an atomic rename.
  const vouched = await vouchedImage(paths, checksum);
  if (vouched !== undefined) return vouched;

  const env = options.env ?? process.env;
  const mirror = resolveImageMirror(options.mirror, env);
  try {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cacheError(paths, error);
  }
  return withFileLock(
    paths.lock,
    `the image cache entry ${paths.file}`,
    async () => {
      const cached = (await vouchedImage(paths, checksum)) ?? (await checkUnmarkedFile(paths, checksum, progress));
      if (cached !== undefined) return cached;
      return download(options.url, mirror, paths, checksum, progress, env, signal);
    },
    { waitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS },
  );
}

async function vouchedImage(paths: CachedImagePaths, checksum: Checksum): Promise<CachedImage | undefined> {
  const stats = await stat(paths.file).catch(() => undefined);
  if (stats === undefined) return undefined;
  const mark = await readVerifiedMark(paths.verified);
  return markVouchesFor(mark, checksum.text, stats)
    ? { path: paths.file, fromCache: true, bytes: stats.size }
    : undefined;
}

/** A cached file without a valid mark (touched, copied in, or mark lost): hash it once. */
async function checkUnmarkedFile(
  paths: CachedImagePaths,
  checksum: Checksum,
  progress: DownloadProgress,
): Promise<CachedImage | undefined> {
  const stats = await stat(paths.file).catch(() => undefined);
  if (stats === undefined) return undefined;
  progress.step(`Verifying cached image ${paths.file}...`);
  try {
    const digest = (await hashFilePrefix(paths.file, checksum.algorithm)).digest('hex');
    if (digest === checksum.hex) {
      await writeVerifiedMark(paths.verified, checksum.text, stats);
      progress.step(`Image ready: ${paths.file}`);
      return { path: paths.file, fromCache: true, bytes: stats.size };
    }
    progress.step(`Cached image ${paths.file} does not match ${checksum.algorithm}; downloading it again`);
    await unlink(paths.verified).catch(() => undefined);
    await unlink(paths.file);
    return undefined;
  } catch (error) {
    throw cacheError(paths, error);
  }
}

async function download(
  url: string,
  mirror: string | undefined,
  paths: CachedImagePaths,
  checksum: Checksum,
  progress: DownloadProgress,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal | undefined,
): Promise<CachedImage> {
  const fetchUrl = imageFetchUrl(url, mirror);
  const proxySettings = proxySettingsFrom(env);
  const dispatcher = await createDownloadDispatcher(proxySettings);
  let result: Awaited<ReturnType<typeof transferToPart>>;
  try {
    result = await transferToPart({
      fetchUrl,
      partPath: paths.part,
      algorithm: checksum.algorithm,
      dispatcher,
      progress,
      proxy: proxyFor(fetchUrl, proxySettings),
      mirror,
      ...(signal === undefined ? {} : { signal }),
    });
  } finally {
    // destroy, not close: after a failure or Ctrl-C no request may linger on the socket.
    await dispatcher.destroy().catch(() => undefined);
  }

  progress.step('Verifying checksum...');
  if (result.digestHex !== checksum.hex) {
    await unlink(paths.part).catch(() => undefined);
    throw new ImageChecksumMismatchError(
      fetchUrl,
      checksum.text,
      `${checksum.algorithm}:${result.digestHex}`,
      paths.part,
    );
  }
  try {
    await rename(paths.part, paths.file);
    await writeVerifiedMark(paths.verified, checksum.text, await stat(paths.file));
  } catch (error) {
    throw cacheError(paths, error);
  }
  progress.step(`Image ready: ${paths.file}`);
  return { path: paths.file, fromCache: false, bytes: result.bytes };
}

function cacheError(paths: CachedImagePaths, error: unknown): Error {
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new ImageDiskFullError(paths.dir, undefined, undefined, paths.part, error);
  return new ImageCacheError(paths.dir, error);
}
