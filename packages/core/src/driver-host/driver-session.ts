import {
  type BerthError,
  type BerthErrorData,
  type ErrorClassTable,
  errorFromWire,
  InternalError,
  isBerthError,
  LegacyProgressNotification,
  LogNotification,
  type LogParams,
  ProgressNotification,
  type ProgressParams,
  ShutdownRequest,
} from '@berth/driver-protocol';
import {
  CancellationTokenSource,
  createMessageConnection,
  type Logger,
  type MessageConnection,
  type RequestType,
} from 'vscode-jsonrpc';
import type { DriverEndpoint } from './driver-endpoint.js';
import {
  type CallLabel,
  callCancelled,
  driverBrokeProtocol,
  driverCrashed,
  driverShutDown,
  driverTimedOut,
} from './driver-errors.js';
import { FrameGuard } from './frame-guard.js';
import type { SecretRedactor } from './secret-redactor.js';

/** A request declaration from `@berth/driver-protocol`'s methods. */
export interface RequestDeclaration<P, R> {
  method: string;
  type: RequestType<P, R, BerthErrorData>;
}

export interface RequestOptions {
  /** Aborting sends `$/cancelRequest` and rejects the call with CancelledError at once. */
  signal?: AbortSignal | undefined;
  /** The driver is stopped and the call rejects with DriverTimeoutError if it has not answered by then. */
  timeoutMs: number;
  /** The machine the call is about (for messages). */
  machine?: string | undefined;
}

export interface DriverSessionOptions {
  driverName: string;
  /** The driver's end of the wire: a process, or a driver served in berth's own. */
  process: DriverEndpoint;
  errorClasses: ErrorClassTable;
  redactor: SecretRedactor;
  /** How long a misbehaving driver gets between SIGTERM and SIGKILL. */
  killGraceMs: number;
  onLog: (params: LogParams) => void;
  onProgress: (params: ProgressParams) => void;
  /** Called once when the session ends for good (failure or close). */
  onEnded: () => void;
}

interface PendingCall extends CallLabel {
  reject(error: BerthError<string>): void;
}

/** Time for responses the driver wrote just before exiting to reach their callers. */
const SETTLE_AFTER_EXIT_MS = 25;

/** JSON-RPC codes vscode-jsonrpc uses for its own connection trouble (not sent by the driver). */
const CONNECTION_TROUBLE = new Set([-32099, -32098, -32097, -32096]);

function isWireError(value: unknown): value is { code: number; message: string; data?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * The JSON-RPC conversation with one driver process, and everything that can go wrong with it.
 * Each call settles within bounded time: with the driver's answer, or with a typed error when the
 * driver crashes (DriverCrashed), breaks the framing (DriverProtocol), does not answer in time
 * (DriverTimeout, and the process is stopped), or the caller aborts (Cancelled). When the session
 * fails, the process is reaped before any pending call rejects.
 */
export class DriverSession {
  private readonly connection: MessageConnection;
  private readonly pending = new Set<PendingCall>();
  private failure: BerthError<string> | undefined;
  /** close() has begun: the driver exiting from now on is expected, not a crash. */
  private stopping = false;
  /** close() has sent driver/shutdown: no new calls. */
  private closing = false;
  private ended = false;

  constructor(private readonly options: DriverSessionOptions) {
    const { process: child, redactor } = options;
    if (child.frames !== undefined) {
      const guard = new FrameGuard();
      child.frames.on('data', (chunk: Buffer) => {
        const violation = guard.push(chunk);
        if (violation !== undefined) this.fail(driverBrokeProtocol(options.driverName, violation));
      });
    }
    this.connection = createMessageConnection(child.reader, child.writer, this.logger());
    this.connection.onError(([error, message]) => {
      // Write errors (message set) mean the driver went away; its exit is reported instead.
      if (message !== undefined) return;
      this.fail(driverBrokeProtocol(options.driverName, { reason: 'an unreadable frame', excerpt: error.message }));
    });
    this.connection.onNotification(LogNotification.type, (params) => {
      options.onLog({ ...params, message: redactor.redact(String(params.message)) });
    });
    // `driver/progress` since protocol 1.2; drivers of 1.0 and 1.1 send it as `$/progress`.
    for (const progress of [ProgressNotification, LegacyProgressNotification]) {
      this.connection.onNotification(progress.type, (params) => {
        options.onProgress({ ...params, message: redactor.redact(String(params.message)) });
      });
    }
    this.connection.listen();
    child.exited.then(async (exit) => {
      // After close() nobody waits for a call any more: the wait must not hold berth's exit back.
      await new Promise((resolve) => {
        const settle = setTimeout(resolve, SETTLE_AFTER_EXIT_MS);
        if (this.stopping) settle.unref();
      });
      const calls = [...this.pending];
      this.fail(
        this.stopping
          ? driverShutDown(options.driverName, calls)
          : driverCrashed(
              options.driverName,
              exit,
              child.stderrTail().map((line) => redactor.redact(line)),
              calls,
            ),
      );
    });
  }

  /** Whether the session can still take calls. */
  get alive(): boolean {
    return this.failure === undefined && !this.closing;
  }

  /** Sends one request and settles as described on the class. */
  request<P, R>(declaration: RequestDeclaration<P, R>, params: P, options: RequestOptions): Promise<R> {
    const call: CallLabel = { method: declaration.method, machine: options.machine };
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(driverShutDown(this.options.driverName, [call]));
    if (options.signal?.aborted) return Promise.reject(callCancelled(this.options.driverName, call));
    return new Promise<R>((resolve, reject) => {
      const source = new CancellationTokenSource();
      let timer: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        if (!this.pending.delete(pending)) return;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        source.dispose();
        settle();
      };
      const pending: PendingCall = { ...call, reject: (error) => finish(() => reject(error)) };
      const onAbort = () => {
        source.cancel();
        finish(() => reject(callCancelled(this.options.driverName, call)));
      };
      this.pending.add(pending);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(
        () => this.fail(driverTimedOut(this.options.driverName, call, options.timeoutMs)),
        options.timeoutMs,
      );
      let sent: Promise<R>;
      try {
        sent = this.connection.sendRequest(declaration.type, params, source.token);
      } catch (error) {
        pending.reject(this.failure ?? this.fromWire(error));
        return;
      }
      sent.then(
        (result) => finish(() => resolve(result)),
        (error: unknown) => {
          // Connection trouble is reported by the exit or the failure that caused it.
          if (isWireError(error) && CONNECTION_TROUBLE.has(error.code)) return;
          pending.reject(this.fromWire(error));
        },
      );
    });
  }

  /**
   * Ends the session: `driver/shutdown` (unless `shutdownFirst` is false), then stdin EOF, then
   * SIGKILL if the driver has not exited within `graceMs`. Calls still running reject with
   * CancelledError. Resolves once the process is reaped.
   */
  async close(graceMs: number, { shutdownFirst = true }: { shutdownFirst?: boolean } = {}): Promise<void> {
    const wasAlive = this.alive;
    this.stopping = true;
    if (wasAlive && shutdownFirst) {
      try {
        await this.request(ShutdownRequest, {}, { timeoutMs: graceMs });
      } catch {
        // Gone, broken or slow: stopping it below is all that is left to do.
      }
    }
    this.closing = true;
    await this.options.process.stop(graceMs);
    this.end();
  }

  /** Fails the session once: stops the process, then rejects every pending call with `error`. */
  private fail(error: BerthError<string>): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    void this.options.process.kill(this.options.killGraceMs).then(() => {
      for (const call of [...this.pending]) call.reject(error);
      this.end();
    });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.connection.dispose();
    this.options.onEnded();
  }

  private fromWire(error: unknown): BerthError<string> {
    if (isBerthError(error)) return error;
    if (isWireError(error)) {
      return errorFromWire(
        { ...error, message: this.options.redactor.redact(error.message) },
        { classes: this.options.errorClasses, driverName: this.options.driverName },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new InternalError(`Talking to driver "${this.options.driverName}" failed: ${message}`, { cause: error });
  }

  private logger(): Logger {
    const debug = (message: string) =>
      this.options.onLog({ level: 'debug', message: `(json-rpc) ${this.options.redactor.redact(message)}` });
    return { error: debug, warn: debug, info: () => undefined, log: () => undefined };
  }
}
