import { PassThrough } from 'node:stream';
import type { Driver } from '@berth/driver-protocol';
import { type ServedConnection, serveConnection } from '@berth/driver-sdk';
import type { MessageConnection } from 'vscode-jsonrpc';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import type { DriverEndpoint, DriverExit } from './driver-endpoint.js';

/**
 * A built-in driver served inside berth's own process. The session still speaks JSON-RPC frames to
 * it, over a pair of in-memory pipes, so it behaves exactly as the same driver run as an
 * executable, but costs no second Node start-up: about 0.1 s, most of a quick command's budget.
 *
 * Ending it mirrors a process: EOF on its input lets running calls answer, then it is gone; kill
 * drops the connection at once (calls still running are cancelled through their AbortSignal).
 */
export class InProcessDriver implements DriverEndpoint {
  readonly pid = process.pid;
  readonly stdin = new PassThrough();
  readonly stdout = new PassThrough();
  readonly exited: Promise<DriverExit>;
  private finish!: (exit: DriverExit) => void;
  private exit: DriverExit | undefined;
  private readonly connection: MessageConnection;
  private readonly served: ServedConnection;

  constructor(driver: Driver) {
    this.exited = new Promise((resolve) => {
      this.finish = (exit) => {
        if (this.exit !== undefined) return;
        this.exit = exit;
        this.connection.dispose();
        this.stdout.end();
        resolve(exit);
      };
    });
    this.connection = createMessageConnection(
      new StreamMessageReader(this.stdin),
      new StreamMessageWriter(this.stdout),
    );
    this.served = serveConnection(driver, this.connection);
    // As `serve()` does on stdin EOF: answer what is running, then end.
    this.stdin.on('end', () => {
      void this.served.idle().then(() => this.finish({ code: 0, signal: null }));
    });
  }

  stderrTail(): string[] {
    return [];
  }

  async stop(graceMs: number): Promise<DriverExit> {
    this.stdin.end();
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
