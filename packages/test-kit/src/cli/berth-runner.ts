import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/shared-fixtures.js';
import { withPrivateDockerConfig } from './private-docker-config.js';

/** The built `berth` executable of this checkout (`npm run build` first: it loads the bundle). */
export const BERTH_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'run.cjs');

export interface BerthOptions {
  /** MACHINE_STORAGE_PATH of the run. Required: a test must never touch the user's own store. */
  store: string;
  /** Variables added to (and overriding) the environment. */
  env?: Record<string, string>;
  /** The environment to start from instead of this process's (for a "user's shell" env). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (stdin is always at EOF, never a terminal). */
  input?: string;
  /** Kill the run (SIGKILL) after this long and fail with its output so far. */
  timeoutMs?: number;
  /** Aborting sends `killSignal` to berth, as Ctrl-C would; the run still ends with berth's exit. */
  signal?: AbortSignal;
  /** What an abort sends (default SIGINT). */
  killSignal?: NodeJS.Signals;
}

export interface BerthRun {
  /** The exit status, or -1 when berth was killed by a signal. */
  code: number;
  /** The signal that killed berth (it handles SIGINT/SIGTERM itself and exits with a code). */
  killedBy: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from start to exit. */
  ms: number;
}

export interface BerthExit extends BerthRun {
  /** Wall time from the last {@link RunningBerth.interrupt} to exit; undefined when never interrupted. */
  afterInterruptMs: number | undefined;
}

/** A berth process still running: its output so far, a way to interrupt it, and its exit. */
export interface RunningBerth {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr contains `text`; rejects, with the output, if berth exits first. */
  waitFor(text: string): Promise<void>;
  /** Sends `signal` (default SIGINT, i.e. Ctrl-C) and returns when it did (Date.now()). */
  interrupt(signal?: NodeJS.Signals): number;
  /** Berth's exit; rejects only when `timeoutMs` passed (berth is then killed). */
  exited: Promise<BerthExit>;
}

function describeRun(args: readonly string[], stdout: string, stderr: string): string {
  return `berth ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`;
}

/** Starts the real `berth` in the background (a fresh process, as a user's shell would start it). */
export function startBerth(args: readonly string[], options: BerthOptions): RunningBerth {
  const started = Date.now();
  const child = spawn(process.execPath, [BERTH_BIN, ...args], {
    env: {
      ...withPrivateDockerConfig(options.baseEnv ?? process.env, options.env),
      MACHINE_STORAGE_PATH: options.store,
      ...options.env,
    },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interruptedAt: number | undefined;
  let closed = false;
  const waiters: Array<{ text: string; resolve: () => void; reject: (error: Error) => void }> = [];
  const settleWaiters = () => {
    for (const waiter of [...waiters]) {
      if (stdout.includes(waiter.text) || stderr.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      } else if (closed) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.reject(new Error(`berth exited before printing "${waiter.text}": ${describeRun(args, stdout, stderr)}`));
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    settleWaiters();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    settleWaiters();
  });
  if (child.stdin) {
    child.stdin.on('error', () => {}); // berth may exit without reading its input
    child.stdin.end(options.input);
  }
  const exited = new Promise<BerthExit>((resolve, reject) => {
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`did not finish within ${options.timeoutMs} ms: ${describeRun(args, stdout, stderr)}`));
          }, options.timeoutMs);
    const onAbort = () => child.kill(options.killSignal ?? 'SIGINT');
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const now = Date.now();
      resolve({
        code: code ?? -1,
        killedBy,
        stdout,
        stderr,
        ms: now - started,
        afterInterruptMs: interruptedAt === undefined ? undefined : now - interruptedAt,
      });
      // After the exit settles, so `Promise.race([live.waitFor(text), live.exited])` gets the exit.
      closed = true;
      settleWaiters();
    });
  });
  exited.catch(() => {}); // awaited by the caller; a timeout before that is not an unhandled rejection
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve, reject });
        settleWaiters();
      }),
    interrupt(signal = 'SIGINT') {
      interruptedAt = Date.now();
      child.kill(signal);
      return interruptedAt;
    },
    exited,
  };
}

/** The default {@link BerthOptions.timeoutMs} of {@link runBerth}: longer than any create of the e2e tests. */
export const BERTH_RUN_TIMEOUT_MS = 300_000;

/** Runs the real `berth` to its exit and collects its output; never throws for a non-zero exit. */
export async function runBerth(args: readonly string[], options: BerthOptions): Promise<BerthRun> {
  const { afterInterruptMs: _unused, ...run } = await startBerth(args, {
    ...options,
    input: options.input ?? '',
    timeoutMs: options.timeoutMs ?? BERTH_RUN_TIMEOUT_MS,
  }).exited;
  return run;
}

/** A berth run that exited non-zero; the message holds the command and its whole output. */
export class BerthExitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly run: BerthRun,
  ) {
    super(`${describeRun(args, run.stdout, run.stderr)}\nexited ${run.code}`);
    this.name = 'BerthExitError';
  }
}

/** Like {@link runBerth}, but throws a {@link BerthExitError} when the exit code is not 0. */
export async function runBerthOk(args: readonly string[], options: BerthOptions): Promise<BerthRun> {
  const run = await runBerth(args, options);
  if (run.code !== 0) throw new BerthExitError(args, run);
  return run;
}
