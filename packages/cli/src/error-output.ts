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
  /** How the command shows a Berth error's message (create's pre-create check quotes it, as Go's %q). */
  message?: (error: Error & { code: string }) => string;
  debug: boolean;
  /** Exit status for a Berth error, if the command has its own rule (create's pre-create check: 3). */
  exitCode?: (error: Error & { code: string; exitCode: number }) => number | undefined;
}

/** Writes `error` to stderr; returns the exit status to end with. */
export function writeError(error: unknown, options: ErrorOutputOptions): number {
  const lines: string[] = [];
  let status = 1;
  if (isBerthError(error)) {
    const message = options.message?.(error) ?? error.message;
    lines.push(`${options.prefix ?? ''}${message}`, ...error.actions.map((action) => `  ${action}`));
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

/**
 * Codes of failures before any driver was asked (the store, the name, the lock, finding the
 * driver) or of the user stopping: docker-machine printed those without a command's prefix.
 */
const HOST_LEVEL_CODES: ReadonlySet<string> = new Set([
  'MachineNotFound',
  'MachineExists',
  'InvalidMachineName',
  'StoreLocked',
  'ConfigCorrupt',
  'DriverNotFound',
  'ProtocolVersionMismatch',
  'Cancelled',
]);

/** Whether docker-machine would have had this error from the machine's driver (GetState, GetIP, GetURL). */
export function isDriverFailure(error: { code: string }): boolean {
  return !HOST_LEVEL_CODES.has(error.code);
}

/**
 * docker-machine's prefix for what `env` or `config` could not check: the certificates, or the
 * driver's answer for the machine's URL ("VBoxManage not found...").
 */
export function connectionErrorPrefix(command: 'env' | 'config', error: { code: string }): string {
  if (error.code !== 'CertificateError' && !isDriverFailure(error)) return '';
  return command === 'env' ? 'Error checking TLS connection: ' : 'Error running connection boilerplate: ';
}

/** docker-machine's prefix for a driver's failure to give `ip` an address. */
export function ipErrorPrefix(error: { code: string }): string {
  return isDriverFailure(error) ? 'Error getting IP address: ' : '';
}

/** docker-machine's prefix for a driver's failure to give `status` the machine's state. */
export function stateErrorPrefix(name: string, error: { code: string }): string {
  return isDriverFailure(error) ? `error getting state for host ${name}: ` : '';
}

/** Exit status for a Berth error: its own if it has one, else 1 (as docker-machine). */
export function berthExitCode(error: Error & { exitCode?: number }): number {
  return error.exitCode || 1;
}
