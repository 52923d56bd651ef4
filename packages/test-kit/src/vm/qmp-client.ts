import { connect, type Socket } from 'node:net';

/** One QMP answer or event, as qemu sends it (one JSON object per line). */
type QmpMessage = {
  QMP?: unknown;
  return?: unknown;
  error?: { class: string; desc: string };
  event?: string;
  id?: number;
};

/**
 * A minimal client for qemu's QMP socket: the capabilities handshake, then one command at a time.
 * Test-kit only (the qemu driver has its own); events are ignored.
 */
export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private greeted?: () => void;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => this.failAll(new Error('QMP socket closed')));
    socket.on('error', (error) => this.failAll(error));
  }

  /** Connects to the socket and completes the handshake (`qmp_capabilities`). */
  static async connect(path: string, timeoutMs = 10_000): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`QMP ${path}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const client = new QmpClient(socket);
    await new Promise<void>((resolve) => {
      client.greeted = resolve;
    });
    await client.execute('qmp_capabilities');
    return client;
  }

  /** Runs one command; rejects with qemu's error description. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ execute: command, id, ...(args ? { arguments: args } : {}) })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.handle(JSON.parse(line) as QmpMessage);
      newline = this.buffer.indexOf('\n');
    }
  }

  private handle(message: QmpMessage): void {
    if (message.QMP !== undefined) {
      this.greeted?.();
      return;
    }
    if (message.id === undefined) return;
    const waiter = this.waiting.get(message.id);
    if (!waiter) return;
    this.waiting.delete(message.id);
    if (message.error) waiter.reject(new Error(`QMP: ${message.error.class}: ${message.error.desc}`));
    else waiter.resolve(message.return);
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
