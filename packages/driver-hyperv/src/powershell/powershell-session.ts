import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cancelled } from '@berth/driver-sdk';
import {
  PowerShellCommandError,
  PowerShellExitedError,
  PowerShellNotFoundError,
  PowerShellProtocolError,
  PowerShellTimeoutError,
} from './powershell-errors.js';
import { markerId, parseAnswer, requestLine, SESSION_PREAMBLE } from './ps-envelope.js';

/** Windows PowerShell 5.1, which has the Hyper-V module (PowerShell 7's `pwsh` is not used). */
export const POWERSHELL = 'powershell.exe';
/** Read statements from stdin; no profile (its output would mix with the answers), never prompt. */
export const POWERSHELL_ARGS = ['-NoProfile', '-NonInteractive', '-NoLogo', '-Command', '-'] as const;
/** How long close() lets PowerShell exit after its stdin ends, before it is killed. */
const CLOSE_GRACE_MS = 2_000;
/** stderr kept for the message of a process that died. */
const STDERR_KEPT = 8 * 1024;

export interface RunOptions {
  /** Bound on the answer, from the moment the request is written. */
  timeoutMs: number;
  /** Cancels the request: queued, it is dropped; written, the process is ended. */
  signal?: AbortSignal;
  /** The statement and its answer, for `--debug`. */
  log?: (line: string) => void;
}

export interface PowerShellSessionOptions {
  executable?: string;
  env?: NodeJS.ProcessEnv;
}

interface Outstanding {
  id: number;
  statement: string;
  lines: string[];
  resolve: (value: unknown[]) => void;
  reject: (error: Error) => void;
}

interface Ref {
  ref?: () => unknown;
  unref?: () => unknown;
}

/**
 * One long-lived `powershell.exe -NoProfile -NonInteractive -NoLogo -Command -` for the driver
 * process: spawned on the first request, requests written one at a time (the next waits for the
 * previous answer), each answered with one JSON line and a marker line. Between requests the
 * process and its pipes are unref'd, so an idle session never keeps berth from exiting; `close()`
 * ends it. A process that dies fails its request with PowerShellExitedError, and the next request
 * starts a new one. PowerShell start-up costs 0.3-1.5 s on Windows, which is why there is one.
 */
export class PowerShellSession {
  private readonly executable: string;
  private readonly env: NodeJS.ProcessEnv | undefined;
  private child: ChildProcessWithoutNullStreams | undefined;
  private outstanding: Outstanding | undefined;
  private partial = '';
  private stderr = '';
  private nextId = 1;
  /** The tail of the queue: each request runs after the one before settles. */
  private queue: Promise<unknown> = Promise.resolve();
  private spawned = 0;

  constructor(options: PowerShellSessionOptions = {}) {
    this.executable = options.executable ?? POWERSHELL;
    this.env = options.env;
  }

  /** How many PowerShell processes this session started (one, unless one died or was ended). */
  get processesStarted(): number {
    return this.spawned;
  }

  /** The running PowerShell's process id, if one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Runs one statement; resolves with its output as an array, rejects with its error record. */
  run(body: string, options: RunOptions): Promise<unknown[]> {
    const { signal } = options;
    let dropped = false;
    const turn = this.queue.then(() => (dropped ? [] : this.send(body, options)));
    this.queue = turn.catch(() => undefined);
    if (!signal) return turn;
    // A request cancelled while it waits for its turn is answered at once and never written.
    return new Promise<unknown[]>((resolve, reject) => {
      const onAbort = () => {
        dropped = true;
        reject(cancelled('waiting for PowerShell'));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      turn.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Ends the process: stdin closed (PowerShell exits at its end), killed if still there after a grace. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.fail(new PowerShellExitedError(null, null, '', this.outstanding?.statement));
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    child.stdin.end();
    const timer = setTimeout(() => child.kill(), CLOSE_GRACE_MS);
    timer.unref();
    await exited;
    clearTimeout(timer);
  }

  private send(body: string, options: RunOptions): Promise<unknown[]> {
    const { signal, log } = options;
    if (signal?.aborted) return Promise.reject(cancelled('waiting for PowerShell'));
    const child = this.ensureProcess();
    const id = this.nextId++;
    const line = requestLine(id, body);
    log?.(`PowerShell> ${body}`);
    return new Promise<unknown[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        this.kill(child);
        settle(cancelled('waiting for PowerShell'));
      };
      const settle = (error: Error | undefined, value?: unknown[]) => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.outstanding?.id === id) this.outstanding = undefined;
        this.setRef(child, false);
        if (error) {
          log?.(`PowerShell< ${error.message}`);
          reject(error);
        } else {
          log?.(`PowerShell< ${JSON.stringify(value)}`);
          resolve(value ?? []);
        }
      };
      this.outstanding = {
        id,
        statement: body,
        lines: [],
        resolve: (value) => settle(undefined, value),
        reject: (error) => settle(error),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => {
        this.kill(child);
        settle(new PowerShellTimeoutError(body, options.timeoutMs));
      }, options.timeoutMs);
      this.setRef(child, true);
      child.stdin.write(`${line}\r\n`);
    });
  }

  private ensureProcess(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    // Its own process group (a hidden console on Windows): berth's Ctrl-C reaches the driver as a
    // cancel, which ends PowerShell itself when a request is outstanding; idle, it stays for rollback.
    const child = spawn(this.executable, [...POWERSHELL_ARGS], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
      ...(this.env ? { env: this.env } : {}),
    });
    this.spawned++;
    this.child = child;
    this.partial = '';
    this.stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (this.child === child) this.onStdout(chunk);
    });
    child.stderr.on('data', (chunk: string) => {
      if (this.child === child) this.stderr = (this.stderr + chunk).slice(-STDERR_KEPT);
    });
    // A write to a process that is gone fails here; the exit (or spawn error) reports it.
    child.stdin.on('error', () => undefined);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fail(
        error.code === 'ENOENT' || error.code === 'EACCES'
          ? new PowerShellNotFoundError(this.executable, { cause: error })
          : new PowerShellExitedError(null, null, error.message, this.outstanding?.statement),
      );
    });
    child.once('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fail(new PowerShellExitedError(code, signal, this.stderr, this.outstanding?.statement));
    });
    child.stdin.write(`${SESSION_PREAMBLE}\r\n`);
    this.setRef(child, false);
    return child;
  }

  private onStdout(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.replace(/\r$/, '').replace(/^\uFEFF/, '');
      const id = markerId(line);
      const current = this.outstanding;
      if (id === undefined) {
        current?.lines.push(line);
        continue;
      }
      if (!current || current.id !== id) continue;
      const answer = parseAnswer(current.lines);
      if (!answer) current.reject(new PowerShellProtocolError(current.statement, current.lines));
      else if (answer.ok) current.resolve(answer.value);
      else current.reject(new PowerShellCommandError(answer.error, current.statement));
    }
  }

  private fail(error: Error): void {
    this.outstanding?.reject(error);
  }

  private kill(child: ChildProcessWithoutNullStreams): void {
    if (this.child === child) {
      this.child = undefined;
      child.kill();
    }
  }

  /** Ref'd while a request is outstanding (berth waits for the answer), unref'd otherwise. */
  private setRef(child: ChildProcessWithoutNullStreams, on: boolean): void {
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as Ref[]) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  }
}
