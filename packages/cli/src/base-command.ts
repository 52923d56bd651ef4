import type { BerthContext } from '@berth/core/machine';
import { BerthContext as Context } from '@berth/core/machine';
import { CancelledError, isBerthError } from '@berth/driver-protocol';
import { Command, Errors } from '@oclif/core';
import { berthContextOptions, isDebugMode } from './context-options.js';
import { takeEarlyContext } from './early-context.js';
import { berthExitCode, UsageError, writeError } from './error-output.js';
import { JsonProgress, type ProgressOutput, progressFormatFromArgv, textProgress } from './progress/index.js';

/**
 * Every berth command: opens the store and driver host on first use, always ends the driver
 * processes it started, and renders errors one way (message, then how to fix it) with
 * docker-machine's exit codes.
 */
export abstract class BerthCommand extends Command {
  private berth?: BerthContext;
  /** Set on Ctrl-C / SIGTERM: long operations pass it down so they clean up what they made. */
  protected readonly abort = new AbortController();
  /** Set by {@link progressOutput} under `--progress json`: then errors are JSON lines too. */
  protected jsonProgress: JsonProgress | undefined;

  protected get debugMode(): boolean {
    return isDebugMode();
  }

  /**
   * The store and driver processes of this command (opened lazily: `version` never needs them):
   * the context main() opened early for this command if there is one, else a new one.
   */
  protected async context(): Promise<BerthContext> {
    if (!this.berth) {
      // Driver progress (`(web) Importing SSH key...`) is a step of the command's own progress.
      const log = (line: string) => (this.jsonProgress ? this.jsonProgress.step(line) : this.log(line));
      const early = await takeEarlyContext(log);
      if (early) {
        this.berth = early;
      } else {
        this.berth = Context.open(berthContextOptions(log));
      }
    }
    return this.berth;
  }

  /**
   * Where a command with `--progress` (PROGRESS_FLAGS) prints its steps: the first thing its run()
   * asks for, read from argv before the parse so that every failure after it is in that format.
   */
  protected progressOutput(): ProgressOutput {
    if (progressFormatFromArgv(this.id, this.argv) !== 'json') return textProgress((line) => this.log(line));
    this.jsonProgress ??= new JsonProgress({ command: this.id ?? '' });
    return this.jsonProgress;
  }

  /** Ends the driver processes and engine connections now, while the command finishes its output. */
  protected releaseContext(): void {
    this.berth?.dispose().catch(() => undefined);
  }

  override async init(): Promise<void> {
    await super.init();
    // The first Ctrl-C cancels (operations clean up what they made); a second one quits at once.
    // `on`, not `once`: with its only listener gone Node would take a second signal as fatal
    // before the cleanup has printed anything.
    const onSignal = async () => {
      if (this.abort.signal.aborted) process.exit(130);
      this.abort.abort(new CancelledError('Interrupted'));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    await this.berth?.dispose();
    await super.finally(error);
  }

  protected override async catch(error: Error & { exitCode?: number; code?: unknown }): Promise<void> {
    if (error instanceof Errors.ExitError) throw error;
    // oclif's flag and argument parse errors: docker-machine says "Incorrect Usage" (exit 1 here).
    const usage = error instanceof Errors.CLIError && (error as { oclif?: { exit?: number } }).oclif?.exit === 2;
    const shown = usage ? new UsageError(error.message, `See '${this.config.bin} ${this.id} --help'.`) : error;
    if (this.jsonProgress) {
      this.jsonProgress.error(shown);
      this.exit(isBerthError(error) ? this.exitCodeFor(error) : 1);
    }
    const status = writeError(shown, {
      prefix: isBerthError(error) ? this.errorPrefix(error) : '',
      message: (berthError) => this.errorMessage(berthError),
      debug: this.debugMode,
      exitCode: (berthError) => this.exitCodeFor(berthError),
    });
    this.exit(status);
  }

  /** Exit status for a Berth error (docker-machine: 1, or 3 for a failed pre-create check). */
  protected exitCodeFor(error: Error & { code: string; exitCode: number }): number {
    return berthExitCode(error);
  }

  /** A command may show a Berth error's message as docker-machine did (default: as it is). */
  protected errorMessage(error: Error & { code: string }): string {
    return error.message;
  }

  /** A command may prefix errors as docker-machine did (e.g. "Error creating machine: "). */
  protected errorPrefix(_error: Error & { code: string }): string {
    return '';
  }
}
