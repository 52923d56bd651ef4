import type { Hash } from 'node:crypto';
import { type FileHandle, open, stat, statfs, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CancelledError } from '@berth/driver-protocol';
import type { Dispatcher } from 'undici';
import {
  ImageCacheError,
  ImageDiskFullError,
  ImageDownloadError,
  ImageDownloadInterruptedError,
  ImageNotFoundError,
  ImageUnreachableError,
} from '../errors/image-errors.js';
import { type ChecksumAlgorithm, hashFilePrefix } from './checksum.js';
import { type DownloadPhase, downloadFailureKind } from './download-failure.js';
import type { DownloadProgress } from './download-progress.js';

export interface TransferRequest {
  fetchUrl: string;
  partPath: string;
  algorithm: ChecksumAlgorithm;
  dispatcher: Dispatcher;
  progress: DownloadProgress;
  /** The proxy this URL goes through, for messages. */
  proxy: string | undefined;
  /** The mirror in use, for the 404 message. */
  mirror: string | undefined;
  signal?: AbortSignal;
}

export interface TransferResult {
  /** Digest (hex) of the whole part file: the resumed bytes and the new ones. */
  digestHex: string;
  bytes: number;
}

interface ContentRange {
  start: number;
  total: number | undefined;
}

/**
 * Fetches `fetchUrl` into `partPath`, resuming with a Range request when a part is there: 206
 * appends; 200 (the server ignored Range) or a 206 at another offset starts over; 416 means the part
 * is already whole (when its size is the file's) or useless (start over). The digest is computed
 * while the bytes stream to disk, so the file is read at most once more (a resumed part's head).
 * Failures are typed; a broken transfer or a Ctrl-C keeps the part for the next run.
 */
export async function transferToPart(request: TransferRequest): Promise<TransferResult> {
  const { fetchUrl, partPath, signal } = request;
  let offset = await existingSize(partPath);
  for (;;) {
    const response = await send(request, offset);
    const { statusCode } = response;
    if (statusCode === 416) {
      await response.body.dump().catch(() => undefined);
      const range = parseContentRange(response.headers['content-range']);
      if (offset === 0) throw new ImageDownloadError(fetchUrl, statusCode);
      if (range?.total === offset) return finishWholePart(request, offset);
      offset = await restart(partPath);
      continue;
    }
    if (statusCode === 404 || statusCode === 410) {
      await response.body.dump().catch(() => undefined);
      throw new ImageNotFoundError(fetchUrl, statusCode, request.mirror);
    }
    if (statusCode !== 200 && statusCode !== 206) {
      await response.body.dump().catch(() => undefined);
      throw new ImageDownloadError(fetchUrl, statusCode);
    }

    let start = 0;
    let total: number | undefined;
    if (statusCode === 206) {
      const range = parseContentRange(response.headers['content-range']);
      if (range === undefined || range.start !== offset) {
        // Not the range asked for: take the whole file instead of guessing.
        response.body.destroy();
        if (offset === 0) throw new ImageDownloadError(fetchUrl, statusCode);
        offset = await restart(partPath);
        continue;
      }
      start = offset;
      total = range.total;
    } else {
      total = contentLength(response.headers['content-length']);
    }
    if (signal?.aborted) throw cancelled(partPath);
    await checkFreeSpace(partPath, total === undefined ? undefined : total - start);
    return await receiveBody(request, response.body, start, total);
  }
}

async function send(request: TransferRequest, offset: number): Promise<Dispatcher.ResponseData> {
  const { fetchUrl, signal } = request;
  try {
    return await request.dispatcher.request({
      origin: new URL(fetchUrl).origin,
      path: pathOf(fetchUrl),
      method: 'GET',
      headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    throw typedFailure(error, 'connect', request, offset, undefined);
  }
}

async function receiveBody(
  request: TransferRequest,
  body: Dispatcher.ResponseData['body'],
  start: number,
  total: number | undefined,
): Promise<TransferResult> {
  const { fetchUrl, partPath, progress, signal } = request;
  let received = start;
  let hash: Hash;
  try {
    hash = await hashFilePrefix(partPath, request.algorithm, start, signal);
  } catch (error) {
    body.destroy();
    throw typedFailure(error, 'body', request, received, total, start);
  }
  progress.startTransfer(fetchUrl, start, total);
  // Undici destroys the body on abort; this also covers a signal that fired before it listened.
  const onAbort = () => body.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  let file: FileHandle | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // One batch is written while the next arrives: the disk and the network overlap.
  let writing: Promise<void> = Promise.resolve();
  let writeFailed = false;
  const flush = () => {
    const data = pending;
    pending = [];
    pendingBytes = 0;
    const handle = file as FileHandle;
    writing = writing.then(() =>
      writeAll(handle, data).catch((error: unknown) => {
        writeFailed = true;
        throw error;
      }),
    );
    // Seen here so a failure is not "unhandled" while the loop waits for the network; it is
    // thrown where `writing` is awaited.
    writing.catch(() => undefined);
  };
  try {
    file = await open(partPath, start > 0 ? 'a' : 'w');
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      received += chunk.length;
      // Batches of 1 MiB: few system calls, and at most two of them held in memory.
      if (pendingBytes >= WRITE_BATCH) {
        await writing;
        flush();
      }
      progress.advance(received);
    }
    flush();
    await writing;
    // Synced before the rename that follows, so it never publishes unwritten data.
    await file.sync();
  } catch (error) {
    progress.closeBar();
    // The transfer broke, not the disk: keep every byte that arrived, for the resume.
    if (!writeFailed && file !== undefined) {
      flush();
      await writing.catch(() => undefined);
    }
    throw typedFailure(error, 'body', request, received, total, start);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await file?.close().catch(() => undefined);
  }
  if (total !== undefined && received !== total) {
    progress.closeBar();
    throw new ImageDownloadInterruptedError(
      fetchUrl,
      received,
      total,
      partPath,
      new Error(`the server sent ${received} bytes, not ${total}`),
    );
  }
  progress.endTransfer(received);
  return { digestHex: hash.digest('hex'), bytes: received };
}

/** 416 with the part's own size as the total: the part is the whole file (a run died before the rename). */
async function finishWholePart(request: TransferRequest, size: number): Promise<TransferResult> {
  try {
    const hash = await hashFilePrefix(request.partPath, request.algorithm, size, request.signal);
    return { digestHex: hash.digest('hex'), bytes: size };
  } catch (error) {
    throw typedFailure(error, 'body', request, size, size);
  }
}

const WRITE_BATCH = 1024 * 1024;

async function writeAll(file: FileHandle, chunks: Buffer[]): Promise<void> {
  if (chunks.length === 0) return;
  const { bytesWritten } = await file.writev(chunks);
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  if (bytesWritten === total) return;
  // A short write (rare, on regular files): finish it piece by piece.
  const rest = Buffer.concat(chunks).subarray(bytesWritten);
  for (let offset = 0; offset < rest.length; ) {
    const written = await file.write(rest, offset);
    offset += written.bytesWritten;
  }
}

function typedFailure(
  error: unknown,
  phase: DownloadPhase,
  request: TransferRequest,
  received: number,
  total: number | undefined,
  start = 0,
): Error {
  const { fetchUrl, partPath } = request;
  switch (downloadFailureKind(error, phase, request.signal?.aborted ?? false)) {
    case 'cancelled':
      return cancelled(partPath);
    case 'disk-full':
      return new ImageDiskFullError(
        dirname(partPath),
        // What this transfer had to write: how much of it reached the disk is unknown.
        total === undefined ? undefined : total - start,
        undefined,
        partPath,
        error,
      );
    case 'cache':
      return new ImageCacheError(partPath, error);
    case 'unreachable':
      return new ImageUnreachableError(fetchUrl, new URL(fetchUrl).host, request.proxy, error);
    case 'interrupted':
      return new ImageDownloadInterruptedError(fetchUrl, received, total, partPath, error);
  }
}

function cancelled(partPath: string): CancelledError {
  return new CancelledError(`Image download cancelled; rerun to resume from ${partPath}`, {
    data: { part: partPath },
  });
}

/** Fails before the transfer when the file system cannot hold what is left to fetch. */
async function checkFreeSpace(partPath: string, needed: number | undefined): Promise<void> {
  if (needed === undefined || needed <= 0) return;
  const dir = dirname(partPath);
  let available: number;
  try {
    const fs = await statfs(dir);
    available = fs.bavail * fs.bsize;
  } catch {
    return; // No statfs here: the write itself will tell.
  }
  if (needed > available) throw new ImageDiskFullError(dir, needed, available, partPath);
}

async function restart(partPath: string): Promise<number> {
  await unlink(partPath).catch(() => undefined);
  return 0;
}

async function existingSize(path: string): Promise<number> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.size : 0;
  } catch {
    return 0;
  }
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function contentLength(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** `bytes 100-199/1000` → start 100, total 1000; `bytes *\/1000` → start -1, total 1000. */
export function parseContentRange(value: string | string[] | undefined): ContentRange | undefined {
  const text = headerValue(value)?.trim();
  if (text === undefined) return undefined;
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(text);
  if (match === null) return undefined;
  return {
    start: match[1] === undefined ? -1 : Number(match[1]),
    total: match[2] === '*' ? undefined : Number(match[2]),
  };
}
