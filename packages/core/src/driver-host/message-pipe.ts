import {
  AbstractMessageReader,
  AbstractMessageWriter,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc';

/**
 * An in-memory JSON-RPC wire between berth and a driver served in its own process: what one end
 * writes, the other end reads, as a copy made through JSON, so both see exactly what a driver
 * process's frames would carry (undefined fields dropped, dates as strings, a copy and not a shared
 * object). It skips what only a byte stream needs (headers, UTF-8, buffering, streams), which was
 * a few milliseconds of every quick command. Messages arrive in order, each in its own microtask,
 * as a stream's data events would.
 */

/** One end of a message pipe. Its reader fires onClose once the other end's writer has ended (EOF). */
export interface MessagePipeEnd {
  reader: MessageReader;
  writer: MessageWriter;
}

class PipeReader extends AbstractMessageReader {
  private callback: DataCallback | undefined;
  private readonly waiting: Message[] = [];
  private ended = false;
  private disposed = false;

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const message of this.waiting.splice(0)) callback(message);
    return { dispose: () => (this.callback = undefined) };
  }

  /** As a stream reader's: what arrives after a connection disposed of it reaches nobody. */
  override dispose(): void {
    this.disposed = true;
    this.callback = undefined;
    this.waiting.length = 0;
    super.dispose();
  }

  deliver(message: Message): void {
    if (this.ended || this.disposed) return;
    if (this.callback === undefined) this.waiting.push(message);
    else this.callback(message);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.fireClose();
  }
}

class PipeWriter extends AbstractMessageWriter implements MessageWriter {
  private ended = false;
  private errors = 0;

  constructor(private readonly peer: PipeReader) {
    super();
  }

  write(message: Message): Promise<void> {
    if (this.ended) return Promise.reject(new Error('the message pipe is closed'));
    let copy: Message;
    try {
      copy = JSON.parse(JSON.stringify(message)) as Message;
    } catch (error) {
      // As a stream writer whose encoder throws: the connection hears of it through onError.
      this.errors += 1;
      this.fireError(error, message, this.errors);
      return Promise.reject(error);
    }
    queueMicrotask(() => this.peer.deliver(copy));
    return Promise.resolve();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    queueMicrotask(() => this.peer.end());
  }
}

/** Two connected ends: `a` writes to `b`'s reader, and `b` to `a`'s. */
export function messagePipe(): { a: MessagePipeEnd; b: MessagePipeEnd } {
  const toA = new PipeReader();
  const toB = new PipeReader();
  return {
    a: { reader: toA, writer: new PipeWriter(toB) },
    b: { reader: toB, writer: new PipeWriter(toA) },
  };
}
