/** Why a driver's stdout is not a valid stream of JSON-RPC frames. */
export interface FrameViolation {
  reason: string;
  /** The offending bytes (start of them), as text. */
  excerpt: string;
}

const KNOWN_HEADERS = ['content-length', 'content-type'];
const MAX_HEADER_BYTES = 1024;
const EXCERPT_CHARS = 160;
const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

function printable(byte: number): boolean {
  return byte === CR || byte === LF || (byte >= 0x20 && byte <= 0x7e);
}

/** Whether `partial` (lower-cased, no `:` yet) can still become a known header name. */
function couldBeHeaderName(partial: string): boolean {
  return KNOWN_HEADERS.some((name) => name.startsWith(partial));
}

/**
 * Watches a driver's stdout and reports the first thing that is not a frame: `Content-Length: N`
 * (and optionally `Content-Type`) headers, a blank line, then N bytes of a JSON-RPC 2.0 object.
 * It fails fast, on the first byte that cannot start a header, so a stray `console.log` in a driver
 * becomes a clear error instead of a hang. It only observes; vscode-jsonrpc does the real reading.
 */
export class FrameGuard {
  private header = '';
  private contentLength: number | undefined;
  private bodyLength = -1;
  /** Where the header line being read starts in `header`, and whether its name has ended (`:` seen). */
  private lineStart = 0;
  private nameEnded = false;
  private body: Buffer[] = [];
  private bodyReceived = 0;
  private violation: FrameViolation | undefined;

  /** Feeds the next chunk; returns the violation once one is found (and on every later call). */
  push(chunk: Buffer): FrameViolation | undefined {
    let offset = 0;
    while (this.violation === undefined && offset < chunk.length) {
      offset = this.bodyLength < 0 ? this.readHeader(chunk, offset) : this.readBody(chunk, offset);
    }
    return this.violation;
  }

  private fail(reason: string, excerpt: string): number {
    this.violation = { reason, excerpt: excerpt.slice(0, EXCERPT_CHARS) };
    return Number.POSITIVE_INFINITY;
  }

  private readHeader(chunk: Buffer, start: number): number {
    for (let offset = start; offset < chunk.length; offset++) {
      const byte = chunk[offset] as number;
      this.header += String.fromCharCode(byte);
      const problem = this.checkByte(byte);
      if (problem !== undefined) return this.fail(problem, this.header + chunk.subarray(offset + 1).toString('latin1'));
      if (this.bodyLength >= 0) return offset + 1;
    }
    return chunk.length;
  }

  /**
   * Checks the header after `byte` was added to it; switches to the body once the blank line
   * arrives. Only the current line is looked at, so a header costs time linear in its length.
   */
  private checkByte(byte: number): string | undefined {
    if (!printable(byte)) return 'a byte that cannot appear in a frame header';
    if (this.header.length > MAX_HEADER_BYTES) return 'a frame header that never ends';
    if (byte === LF) {
      if (!this.header.endsWith('\r\n')) return 'a bare line feed outside a frame';
      const line = this.header.slice(this.lineStart, -2);
      this.lineStart = this.header.length;
      return this.checkLine(line);
    }
    if (byte === CR || this.nameEnded) return undefined;
    const current = this.header.slice(this.lineStart).toLowerCase();
    if (byte !== COLON) return couldBeHeaderName(current) ? undefined : 'text that is not a frame header';
    this.nameEnded = true;
    return KNOWN_HEADERS.includes(current.slice(0, -1).trim()) ? undefined : 'an unknown frame header';
  }

  /** A complete header line (without its CR LF); the empty line ends the header. */
  private checkLine(line: string): string | undefined {
    this.nameEnded = false;
    if (line === '') {
      if (this.contentLength === undefined) return 'a frame header without Content-Length';
      this.bodyLength = this.contentLength;
      return undefined;
    }
    const colonAt = line.indexOf(':');
    if (colonAt < 0) return 'a frame header line without ":"';
    if (line.slice(0, colonAt).trim().toLowerCase() === 'content-length') {
      const value = line.slice(colonAt + 1).trim();
      if (!/^\d+$/.test(value)) return 'a Content-Length that is not a number';
      this.contentLength = Number(value);
    }
    return undefined;
  }

  private readBody(chunk: Buffer, start: number): number {
    const take = Math.min(this.bodyLength - this.bodyReceived, chunk.length - start);
    this.body.push(chunk.subarray(start, start + take));
    this.bodyReceived += take;
    if (this.bodyReceived === this.bodyLength) {
      const text = Buffer.concat(this.body).toString('utf8');
      if (!isJsonRpcMessage(text)) return this.fail('a frame whose body is not a JSON-RPC 2.0 message', text);
      this.header = '';
      this.lineStart = 0;
      this.contentLength = undefined;
      this.bodyLength = -1;
      this.body = [];
      this.bodyReceived = 0;
    }
    return start + take;
  }
}

function isJsonRpcMessage(text: string): boolean {
  try {
    const message: unknown = JSON.parse(text);
    return typeof message === 'object' && message !== null && (message as { jsonrpc?: unknown }).jsonrpc === '2.0';
  } catch {
    return false;
  }
}
