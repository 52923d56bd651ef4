import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { DriverNotFoundError } from '@berth/driver-protocol';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import type { DriverExecutable } from './discovery.js';
import type { DriverEndpoint, DriverExit } from './driver-endpoint.js';
import { killOnExit } from './exit-reaper.js';
import { LineTail } from './line-tail.js';

export interface DriverProcessOptions {
  executable: DriverExecutable;
  /** Complete environment of the child (the cookie included). */
  env: NodeJS.ProcessEnv;
  /** Each stderr line of the driver, as it arrives. */
  onStderrLine: (line: string) => void;
  /** How many stderr lines to keep for error messages. Default 20. */
  stderrTailLines?: number;
}

/** After `exit`, how long to wait for the stdio pipes to drain (a grandchild may hold them open). */
const DRAIN_AFTER_EXIT_MS = 500;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * One running driver executable: stdin/stdout are the wire, stderr is split into lines. It starts in
 * its own process group on POSIX, so a terminal Ctrl-C reaches only berth, which then cancels calls
 * over the wire. Whatever happens, the child is reaped: `exited` settles once it is gone.
 */
export class DriverProcess implements DriverEndpoint {
  readonly pid: number;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly reader: StreamMessageReader;
  readonly writer: StreamMessageWriter;
  /** What the session's framing check reads: the driver's stdout. */
  readonly frames: Readable;
  /** Settles when the process has exited and its pipes have drained (or stopped draining). */
  readonly exited: Promise<DriverExit>;
  private exit: DriverExit | undefined;
  private readonly stderr: LineTail;

  private constructor(
    private readonly child: Child,
    options: DriverProcessOptions,
  ) {
    this.pid = child.pid as number;
    this.stdin = child.stdin;
    this.stdout = child.stdout;
    this.reader = new StreamMessageReader(child.stdout);
    this.writer = new StreamMessageWriter(child.stdin);
    this.frames = child.stdout;
    this.stderr = new LineTail(options.stderrTailLines ?? 20, options.onStderrLine);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.stderr.push(text));
    // A driver that dies while we write must not crash berth with EPIPE; the exit is handled instead.
    child.stdin.on('error', () => undefined);
    const unregister = killOnExit(() => this.signal('SIGKILL'));
    this.exited = new Promise((resolve) => {
      let drainTimer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(drainTimer);
        unregister();
        this.stderr.flush();
        resolve(this.exit ?? { code: child.exitCode, signal: child.signalCode });
      };
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        drainTimer = setTimeout(done, DRAIN_AFTER_EXIT_MS);
      });
      child.once('close', done);
    });
  }

  /**
   * Spawns the driver. Resolves once the process runs; rejects with DriverNotFoundError if it cannot
   * be started (missing, not executable, not a program).
   */
  static async start(options: DriverProcessOptions): Promise<DriverProcess> {
    const { executable } = options;
    const child = spawn(executable.command, executable.args, {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new DriverNotFoundError(
            `Driver "${executable.name}" could not be started: ${executable.path}: ${error.code ?? error.message}`,
            {
              actions: [`Check that ${executable.path} exists, is executable, and is a program for this system.`],
              data: { driver: executable.name, path: executable.path, errno: error.code ?? null },
              cause: error,
            },
          ),
        );
      });
    });
    return new DriverProcess(child, options);
  }

  /** Exit code and signal, once the process has exited. */
  get exitStatus(): DriverExit | undefined {
    return this.exit;
  }

  /** The last stderr lines, oldest first. */
  stderrTail(): string[] {
    return this.stderr.lines();
  }

  /** Closes stdin: the EOF tells a driver to exit. */
  closeStdin(): void {
    this.stdin.end();
  }

  /**
   * Ends the process: closes stdin, waits `graceMs` for it to leave on its own, then kills it
   * (SIGKILL, its whole process group on POSIX). Resolves once it is reaped.
   */
  async stop(graceMs: number): Promise<DriverExit> {
    this.closeStdin();
    return this.waitOrKill(graceMs);
  }

  /** Kills a misbehaving process: SIGTERM, then SIGKILL after `graceMs`. Resolves once it is reaped. */
  async kill(graceMs: number): Promise<DriverExit> {
    this.signal('SIGTERM');
    return this.waitOrKill(graceMs);
  }

  private async waitOrKill(graceMs: number): Promise<DriverExit> {
    if (this.exit !== undefined) return this.exited;
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), graceMs);
    });
    const first = await Promise.race([this.exited, graceOver]);
    clearTimeout(timer);
    if (first === 'grace-over') this.signal('SIGKILL');
    return this.exited;
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.exit !== undefined) return;
    try {
      // Detached on POSIX: the negative pid addresses the driver's process group (its helpers too).
      if (process.platform !== 'win32') process.kill(-this.pid, signal);
      else this.child.kill(signal);
    } catch {
      this.child.kill(signal);
    }
  }
}
