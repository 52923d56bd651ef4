import { isBerthError } from '@berth/driver-protocol';

/**
 * The one renderer of what went wrong, whichever path ran the command (oclif's, the quick path,
 * the global options): a Berth error as its message with the command's prefix, then each thing to
 * do, indented; a command line oclif or the global options refused as docker-machine's
 * "Incorrect Usage"; anything else as its message. The stack only in debug mode.
 */

/** A command line that cannot be read (the global options, or oclif's parse of a command's flags). */
export class UsageError extends Error {
  constructor(
    message: string,
    /** What to run for help, on its own line(s) after the message. */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ErrorOutputOptions {
  /** docker-machine's prefix for this command's errors ("Error creating machine: "). */
  prefix?: string;
  debug: boolean;
  /** Exit status for a Berth error, if the command has its own rule (create's pre-create check: 3). */
  exitCode?: (error: Error & { code: string; exitCode: number }) => number | undefined;
}

/** Writes `error` to stderr; returns the exit status to end with. */
export function writeError(error: unknown, options: ErrorOutputOptions): number {
  const lines: string[] = [];
  let status = 1;
  if (isBerthError(error)) {
    lines.push(`${options.prefix ?? ''}${error.message}`, ...error.actions.map((action) => `  ${action}`));
    status = options.exitCode?.(error) ?? berthExitCode(error);
  } else if (error instanceof UsageError) {
    lines.push(`Incorrect Usage: ${error.message}`, error.hint);
  } else {
    lines.push(error instanceof Error ? error.message : String(error));
  }
  const stack = error instanceof Error && !(error instanceof UsageError) ? error.stack : undefined;
  if (options.debug && stack) lines.push(stack);
  process.stderr.write(`${lines.join('\n')}\n`);
  return status;
}

/** docker-machine's prefix for a certificate problem that `env` or `config` found. */
export function connectionErrorPrefix(command: 'env' | 'config', error: { code: string }): string {
  if (error.code !== 'CertificateError') return '';
  return command === 'env' ? 'Error checking TLS connection: ' : 'Error running connection boilerplate: ';
}

/** Exit status for a Berth error: its own if it has one, else 1 (as docker-machine). */
export function berthExitCode(error: Error & { exitCode?: number }): number {
  return error.exitCode || 1;
}
