import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A served file: its bytes in memory, or a path on disk (for multi-GB images). */
export type ImageServerFile = Uint8Array | { path: string };

/**
 * Faults, applied to the next `times` requests (every request when `times` is omitted) until
 * cleared. They combine: `{ ignoreRange: true, truncateAfterBytes: 100 }` answers 200 and cuts off.
 */
export interface ImageFault {
  /** Answer 404 (as a mirror without the file would). */
  notFound?: boolean;
  /** Send the headers for the whole answer, then destroy the socket after this many body bytes. */
  truncateAfterBytes?: number;
  /** Serve the right length but other bytes (every byte inverted). */
  wrongBytes?: boolean;
  /** Throttle the body to this many bytes per second. */
  bytesPerSecond?: number;
  /** Answer every request 200 with the whole file, as a server without Range support does. */
  ignoreRange?: boolean;
}

/** One request the server answered. */
export interface ImageRequestRecord {
  method: string;
  /** The request target as sent: a path, or an absolute URI when it came through a proxy. */
  target: string;
  /** The file name asked for. */
  name: string;
  /** The Range header, if any. */
  range: string | undefined;
  status: number;
}

export interface ImageServer {
  /** Base URL, `http://127.0.0.1:<port>`: a mirror directory holding every file at its root. */
  url: string;
  /** `<url>/<name>`. */
  urlOf(name: string): string;
  /** Serve (or replace) a file. */
  setFile(name: string, file: ImageServerFile): void;
  injectFault(fault: ImageFault, options?: { times?: number }): void;
  clearFaults(): void;
  /** How many requests arrived (any method, any status). */
  fetches(): number;
  /** Every request, in order. */
  requests(): readonly ImageRequestRecord[];
  /** The Range headers seen, in order. */
  rangeHeaders(): string[];
  close(): Promise<void>;
}

export interface ImageServerOptions {
  files?: Record<string, ImageServerFile>;
  /** Loopback only by default; the test network's gateway when guests must reach it. */
  host?: string;
}

interface ActiveFault {
  fault: ImageFault;
  remaining: number | undefined;
}

/**
 * A local stand-in for an image mirror (cloud.debian.org): GET and HEAD of files at the root,
 * single byte ranges (206 with Content-Range, 416 when unsatisfiable), a request log, and faults
 * injected on demand.
 */
export async function startImageServer(options: ImageServerOptions = {}): Promise<ImageServer> {
  const files = new Map<string, ImageServerFile>(Object.entries(options.files ?? {}));
  const log: ImageRequestRecord[] = [];
  let active: ActiveFault | undefined;
  const sockets = new Set<Socket>();

  const takeFault = (): ImageFault => {
    if (active === undefined) return {};
    const { fault } = active;
    if (active.remaining !== undefined) {
      active.remaining -= 1;
      if (active.remaining <= 0) active = undefined;
    }
    return fault;
  };

  const server: Server = createServer((request, response) => {
    const fault = takeFault();
    const record: ImageRequestRecord = {
      method: request.method ?? 'GET',
      target: request.url ?? '/',
      name: fileNameOf(request.url ?? '/'),
      range: request.headers.range,
      status: 0,
    };
    log.push(record);
    serve(request, response, files.get(record.name), fault)
      .then((status) => {
        record.status = status;
      })
      .catch(() => {
        // The client went away, or a fault destroyed the socket: nothing to answer.
        response.destroy();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  return {
    url,
    urlOf: (name) => `${url}/${encodeURIComponent(name)}`,
    setFile: (name, file) => {
      files.set(name, file);
    },
    injectFault: (fault, faultOptions = {}) => {
      active = { fault, remaining: faultOptions.times };
    },
    clearFaults: () => {
      active = undefined;
    },
    fetches: () => log.length,
    requests: () => [...log],
    rangeHeaders: () => log.flatMap((entry) => (entry.range === undefined ? [] : [entry.range])),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  file: ImageServerFile | undefined,
  fault: ImageFault,
): Promise<number> {
  if (file === undefined || fault.notFound) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found\n');
    return 404;
  }
  const size = file instanceof Uint8Array ? file.byteLength : (await stat(file.path)).size;
  const range = fault.ignoreRange ? undefined : parseRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    response.writeHead(416, { 'content-range': `bytes */${size}` });
    response.end();
    return 416;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = Math.max(0, end - start + 1);
  const status = range === undefined ? 200 : 206;
  response.writeHead(status, {
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    'accept-ranges': 'bytes',
    ...(range === undefined ? {} : { 'content-range': `bytes ${start}-${end}/${size}` }),
  });
  if (request.method === 'HEAD' || length === 0) {
    response.end();
    return status;
  }
  const body =
    file instanceof Uint8Array
      ? Readable.from(chunksOf(file.subarray(start, end + 1)))
      : createReadStream(file.path, { start, end, highWaterMark: 64 * 1024 });
  const source = shape(body, fault);
  await pipeline(source, (chunks) => send(chunks, response, fault.truncateAfterBytes));
  return status;
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined for none or several (served whole). */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

function fileNameOf(target: string): string {
  // A proxied request carries an absolute URI; the file name is the last path segment either way.
  const path = new URL(target, 'http://placeholder').pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

function* chunksOf(bytes: Uint8Array): Generator<Buffer> {
  const size = 64 * 1024;
  for (let offset = 0; offset < bytes.byteLength; offset += size) {
    yield Buffer.from(bytes.subarray(offset, offset + size));
  }
}

type Chunks = AsyncIterable<Buffer>;

/** The body after the byte-changing faults: inverted bytes, throttling. */
async function* shape(body: Readable, fault: ImageFault): Chunks {
  for await (const raw of body as AsyncIterable<Buffer>) {
    const chunk = fault.wrongBytes ? invert(raw) : raw;
    if (fault.bytesPerSecond === undefined) {
      yield chunk;
      continue;
    }
    const slice = Math.max(1, Math.floor(fault.bytesPerSecond / 20));
    for (let offset = 0; offset < chunk.length; offset += slice) {
      const piece = chunk.subarray(offset, offset + slice);
      yield piece;
      await sleep((piece.length / fault.bytesPerSecond) * 1000);
    }
  }
}

/** Writes the body; with `cutAfter`, destroys the connection once that many bytes are out. */
async function send(chunks: Chunks, response: ServerResponse, cutAfter: number | undefined): Promise<void> {
  let sent = 0;
  for await (const chunk of chunks) {
    const piece = cutAfter === undefined ? chunk : chunk.subarray(0, cutAfter - sent);
    await write(response, piece);
    sent += piece.length;
    if (cutAfter !== undefined && sent >= cutAfter) {
      // The headers promised more: the client sees the connection close mid-body.
      response.socket?.destroy();
      return;
    }
  }
  response.end();
}

function write(response: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    response.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function invert(chunk: Buffer): Buffer {
  const out = Buffer.allocUnsafe(chunk.length);
  for (let index = 0; index < chunk.length; index += 1) out[index] = 255 - (chunk[index] as number);
  return out;
}
