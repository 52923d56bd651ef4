import { connect, type Socket } from 'node:net';
import { cancelled } from '@berth/driver-sdk';

// A client of QMP, qemu's JSON machine protocol, on a unix socket: a greeting, `qmp_capabilities`,
// then one command at a time, each a JSON object per line. It is a few dozen lines, so no library
// (the npm QMP clients are unmaintained, and callback-based).

/** The QMP socket does not exist, or nothing accepts on it: no qemu runs for it. */
export class QmpUnreachableError extends Error {
  override readonly name = 'QmpUnreachableError';
}

/** qemu accepted the connection but did not answer in time (a hung qemu, or another client's turn). */
export class QmpTimeoutError extends Error {
  override readonly name = 'QmpTimeoutError';
}

/** qemu answered a command with an error. */
export class QmpCommandError extends Error {
  override readonly name = 'QmpCommandError';
  constructor(
    readonly command: string,
    readonly errorClass: string,
    description: string,
  ) {
    super(`QMP ${command} failed: ${errorClass}: ${description}`);
  }
}

export interface QmpOptions {
  /** Bound on connecting with the greeting and on each command's answer. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Waiter {
  resolve: (message: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One QMP session. Open it with {@link QmpClient.connect}; close it when done (qemu takes one client at a time). */
export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private greetingWaiter: Waiter | undefined;
  private closedError: Error | undefined;
  readonly events: Record<string, unknown>[] = [];

  private constructor(
    private readonly socket: Socket,
    private readonly options: QmpOptions,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => this.fail(new QmpUnreachableError('qemu closed the QMP connection')));
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(unreachableOr(error)));
  }

  /** Connects, reads the greeting and negotiates capabilities. */
  static async connect(path: string, options: QmpOptions = {}): Promise<QmpClient> {
    options.signal?.throwIfAborted();
    const socket = connect({ path });
    const client = new QmpClient(socket, options);
    try {
      await client.bounded(
        'connecting to QMP',
        new Promise<unknown>((resolve, reject) => {
          client.greetingWaiter = { resolve, reject };
        }),
      );
      await client.execute('qmp_capabilities');
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  /** Runs one command and resolves with its `return` value. */
  async execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closedError) throw this.closedError;
    const id = this.nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
    });
    this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    const message = await this.bounded(`waiting for QMP ${command}`, answer).finally(() => this.waiting.delete(id));
    if (message.error && typeof message.error === 'object') {
      const error = message.error as { class?: unknown; desc?: unknown };
      throw new QmpCommandError(command, String(error.class ?? 'GenericError'), String(error.desc ?? ''));
    }
    return message.return as T;
  }

  /** Resolves once qemu has closed the connection (as it does on exit), bounded like a command. */
  async closed(): Promise<void> {
    if (this.closedError) return;
    await this.bounded(
      'waiting for qemu to close QMP',
      new Promise<void>((resolve) => this.socket.once('close', () => resolve())),
    );
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\n'); end >= 0; end = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (!line) continue;
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.fail(new Error(`qemu sent a line that is not JSON on QMP: ${line.slice(0, 200)}`));
        return;
      }
      if ('QMP' in message) {
        this.greetingWaiter?.resolve(message);
        this.greetingWaiter = undefined;
      } else if ('event' in message) {
        this.events.push(message);
      } else if (typeof message.id === 'number') {
        this.waiting.get(message.id)?.resolve(message);
      }
    }
  }

  private fail(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    this.greetingWaiter?.reject(error);
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  /** `work`, or a QmpTimeoutError after the timeout, or Cancelled when the signal fires. */
  private bounded<T>(what: string, work: Promise<T>): Promise<T> {
    const { signal } = this.options;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new QmpTimeoutError(`qemu did not answer within ${timeoutMs / 1000} s ${what}`)),
        timeoutMs,
      );
      const onAbort = () => reject(cancelled(what));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
    });
  }
}

function unreachableOr(error: NodeJS.ErrnoException): Error {
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') {
    return new QmpUnreachableError(`no qemu answers on the QMP socket (${error.code})`);
  }
  return error;
}

/** Opens a session, runs `work` with it, and closes it. */
export async function withQmp<T>(
  path: string,
  options: QmpOptions,
  work: (client: QmpClient) => Promise<T>,
): Promise<T> {
  const client = await QmpClient.connect(path, options);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** qemu's run state (`query-status`), or undefined when no qemu runs on the socket. */
export async function queryStatus(path: string, options: QmpOptions = {}): Promise<string | undefined> {
  try {
    return await withQmp(path, options, async (client) => {
      const status = await client.execute<{ status?: unknown }>('query-status');
      return String(status.status);
    });
  } catch (error) {
    if (error instanceof QmpUnreachableError) return undefined;
    throw error;
  }
}
