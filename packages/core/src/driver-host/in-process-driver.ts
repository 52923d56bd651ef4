import type { Driver } from '@berth/driver-protocol';
import { type ServedConnection, serveConnection } from '@berth/driver-sdk';
import {
  createMessageConnection,
  type MessageConnection,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc';
import type { DriverEndpoint, DriverExit } from './driver-endpoint.js';
import { messagePipe } from './message-pipe.js';

/**
 * A built-in driver served inside berth's own process. The session still speaks JSON-RPC to it,
 * through an in-memory message pipe (message-pipe.ts) that hands each side a JSON copy, so it
 * behaves exactly as the same driver run as an executable, but costs no second Node start-up:
 * about 0.1 s, most of a quick command's budget.
 *
 * Ending it mirrors a process: EOF on its input lets running calls answer, then it is gone; kill
 * drops the connection at once (calls still running are cancelled through their AbortSignal).
 */
export class InProcessDriver implements DriverEndpoint {
  readonly pid = process.pid;
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
  readonly exited: Promise<DriverExit>;
  private finish!: (exit: DriverExit) => void;
  private exit: DriverExit | undefined;
  /** The driver's side of the pipe: ending it is EOF on berth's reader. */
  private readonly driverWriter: MessageWriter;
  private readonly connection: MessageConnection;
  private readonly served: ServedConnection;

  constructor(driver: Driver) {
    const { a: berthEnd, b: driverEnd } = messagePipe();
    this.reader = berthEnd.reader;
    this.writer = berthEnd.writer;
    this.driverWriter = driverEnd.writer;
    this.exited = new Promise((resolve) => {
      this.finish = (exit) => {
        if (this.exit !== undefined) return;
        this.exit = exit;
        this.connection.dispose();
        this.driverWriter.end();
        resolve(exit);
      };
    });
    this.connection = createMessageConnection(driverEnd.reader, driverEnd.writer);
    this.served = serveConnection(driver, this.connection);
    // As `serve()` does on stdin EOF: answer what is running, then end.
    driverEnd.reader.onClose(() => {
      void this.served.idle().then(() => this.finish({ code: 0, signal: null }));
    });
  }

  stderrTail(): string[] {
    return [];
  }

  async stop(graceMs: number): Promise<DriverExit> {
    this.writer.end();
    return this.waitOrKill(graceMs);
  }

  async kill(_graceMs: number): Promise<DriverExit> {
    if (this.exit === undefined) this.served.cancelAll();
    this.finish({ code: null, signal: 'SIGKILL' });
    return this.exited;
  }

  private async waitOrKill(graceMs: number): Promise<DriverExit> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.exited, graceOver]);
    clearTimeout(timer);
    return this.kill(0);
  }
}
