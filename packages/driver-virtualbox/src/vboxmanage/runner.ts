import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { VBoxManageNotFoundError } from '../errors.js';
import { ERROR_MARK, failureKind } from './stderr-kind.js';
import { VBoxManageError, VBoxManageTimeoutError } from './vboxmanage-errors.js';

export interface VBoxManageOutput {
  stdout: string;
  stderr: string;
}

export interface VBoxManageOptions {
  /** The environment VBoxManage runs in. */
  env: NodeJS.ProcessEnv;
  /** Pause before re-running a call that said `The object is not ready` (Docker Machine: 100 ms). */
  retryDelayMs?: number;
  /** Runs of one call in all, the first included (Docker Machine: 5). */
  maxRuns?: number;
  /** Bound on one run unless the call gives its own. */
  timeoutMs?: number;
  /** Sees every run (argv and outcome), e.g. for debug logging. */
  onRun?: (argv: readonly string[], exitCode: number | null, output: VBoxManageOutput) => void;
}

export interface RunOptions {
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

interface RawRun extends VBoxManageOutput {
  exitCode: number | null;
  timedOut: boolean;
  missing: boolean;
}

/**
 * Runs VBoxManage and judges the result as Docker Machine did: `error:` on stderr is a failure
 * whatever the exit status (VBoxManage exits 0 after some fatal errors), a non-zero exit is a
 * failure, and `The object is not ready` is retried. Unlike Docker Machine every failure names the
 * command and carries VirtualBox's stderr. A run is never cut short by Ctrl-C: ending VBoxManage in
 * the middle of a change can leave VirtualBox's registry half-written, so callers check for
 * cancellation between calls.
 */
export class VBoxManage {
  private readonly retryDelayMs: number;
  private readonly maxRuns: number;
  private readonly timeoutMs: number;

  constructor(
    /** Absolute path of the executable. */
    readonly path: string,
    private readonly options: VBoxManageOptions,
  ) {
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxRuns = options.maxRuns ?? 5;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The same VBoxManage, its runs also shown to `onRun` (a call's debug log). */
  withRunLog(onRun: NonNullable<VBoxManageOptions['onRun']>): VBoxManage {
    const previous = this.options.onRun;
    return new VBoxManage(this.path, {
      ...this.options,
      onRun: (argv, exitCode, output) => {
        previous?.(argv, exitCode, output);
        onRun(argv, exitCode, output);
      },
    });
  }

  /** Runs `args`; resolves with the output of a successful run, rejects with a VBoxManageError. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<VBoxManageOutput> {
    const argv = [this.path, ...args];
    let result = await this.runOnce(args, options);
    for (let runs = 1; runs < this.maxRuns && failureKind(result.stderr) === 'object-not-ready'; runs += 1) {
      await delay(this.retryDelayMs);
      result = await this.runOnce(args, options);
    }
    if (result.missing) throw new VBoxManageNotFoundError({ data: { argv } });
    const command = argv.join(' ');
    if (result.timedOut) {
      throw new VBoxManageTimeoutError(
        `${command} did not finish within ${Math.round((options.timeoutMs ?? this.timeoutMs) / 1000)} s`,
        {
          actions: ['VirtualBox may be hung: check its processes (VBoxSVC), then retry.'],
          data: { argv, stderr: result.stderr },
        },
      );
    }
    const failed = result.stderr.includes(ERROR_MARK) || result.exitCode !== 0;
    if (!failed) return { stdout: result.stdout, stderr: result.stderr };
    const stderr = result.stderr.trim();
    const status = result.exitCode === null ? 'killed' : `exit status ${result.exitCode}`;
    const message = result.stderr.includes(ERROR_MARK)
      ? `${command} failed:\n${stderr}`
      : `${command} failed (${status})${stderr ? `:\n${stderr}` : ''}`;
    throw new VBoxManageError(message, failureKind(result.stderr), { argv, exitCode: result.exitCode, stderr });
  }

  /** Like {@link run}, but a failure is returned instead of thrown (calls whose failure is expected). */
  async attempt(args: readonly string[], options: RunOptions = {}): Promise<VBoxManageOutput | VBoxManageError> {
    try {
      return await this.run(args, options);
    } catch (error) {
      if (error instanceof VBoxManageError) return error;
      throw error;
    }
  }

  private async runOnce(args: readonly string[], options: RunOptions): Promise<RawRun> {
    const child = spawn(this.path, args, {
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group: a Ctrl-C to berth's terminal does not end it mid-change.
      detached: process.platform !== 'win32',
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? this.timeoutMs);
    const ended = new Promise<{ code: number | null; missing: boolean }>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, missing: error.code === 'ENOENT' }));
      child.once('close', (code: number | null) => resolve({ code, missing: false }));
    });
    const { code, missing } = await ended.finally(() => clearTimeout(timer));
    const output = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
    this.options.onRun?.([this.path, ...args], code, output);
    return { ...output, exitCode: code, timedOut, missing };
  }
}
