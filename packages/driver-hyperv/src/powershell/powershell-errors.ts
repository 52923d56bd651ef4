import type { PowerShellErrorRecord } from './ps-envelope.js';

// What can go wrong in the PowerShell session, before the driver decides what it means for the user
// (src/hyperv-errors.ts maps these to Berth errors on the error id, never on message text).

/** A statement failed: PowerShell's error record, and the statement. */
export class PowerShellCommandError extends Error {
  readonly errorId: string;
  readonly category: string;
  constructor(
    readonly record: PowerShellErrorRecord,
    readonly statement: string,
  ) {
    super(`${record.message} (FullyQualifiedErrorId: ${record.id || 'none'})`);
    this.name = 'PowerShellCommandError';
    this.errorId = record.id;
    this.category = record.category;
  }
}

/** powershell.exe is not on PATH (or cannot be run). */
export class PowerShellNotFoundError extends Error {
  constructor(
    readonly executable: string,
    options?: ErrorOptions,
  ) {
    super(`${executable} was not found in the path`, options);
    this.name = 'PowerShellNotFoundError';
  }
}

/** The PowerShell process ended while a request was outstanding (or could not be written to). */
export class PowerShellExitedError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
    readonly statement: string | undefined,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const why = stderr.trim() ? `: ${stderr.trim().split(/\r?\n/).slice(-5).join(' ')}` : '';
    super(`PowerShell ${how}${statement ? ' while running a request' : ''}${why}`);
    this.name = 'PowerShellExitedError';
  }
}

/** A request got no answer in time; the process was ended (the next request starts a new one). */
export class PowerShellTimeoutError extends Error {
  constructor(
    readonly statement: string,
    readonly timeoutMs: number,
  ) {
    super(`PowerShell did not answer within ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'PowerShellTimeoutError';
  }
}

/** The answer before the marker was not the JSON line the envelope prints. */
export class PowerShellProtocolError extends Error {
  constructor(
    readonly statement: string,
    readonly output: readonly string[],
  ) {
    super(`PowerShell answered without the JSON line Berth expects: ${output.slice(-3).join(' | ') || '(nothing)'}`);
    this.name = 'PowerShellProtocolError';
  }
}
