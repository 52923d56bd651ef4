import type { ErrorCode } from './error-codes.js';

export interface BerthErrorOptions {
  /** What the user can do about it, one sentence each. */
  actions?: string[];
  /** Process exit code the CLI uses when this error ends a command (default 1). */
  exitCode?: number;
  /** Structured details (JSON-serialisable); crosses the wire unchanged. */
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** The JSON form of a BerthError (`--json` output, logs). */
export interface BerthErrorJson {
  code: string;
  message: string;
  actions: string[];
  data: Record<string, unknown>;
}

/**
 * Base of every Berth error: a stable `code`, a message naming the bad input, and how to fix it.
 * Subclasses fix `code` to one literal: `override readonly code = 'MachineNotFound' as const`.
 * `C` is only widened by {@link UnrecognizedCodeError}, for codes from a newer peer.
 */
export abstract class BerthError<C extends string = ErrorCode> extends Error {
  abstract readonly code: C;
  readonly actions: string[];
  readonly exitCode: number;
  readonly data: Record<string, unknown>;

  constructor(message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.actions = options.actions ?? [];
    this.exitCode = options.exitCode ?? 1;
    this.data = options.data ?? {};
  }

  toJSON(): BerthErrorJson {
    return { code: this.code, message: this.message, actions: this.actions, data: this.data };
  }
}

/**
 * Checks by shape, so it holds across two loaded copies of this package (a driver may bundle its
 * own). An error rebuilt from a code this package does not know is an {@link UnrecognizedCodeError}
 * whose `code` lies outside `ErrorCode`; narrow with `instanceof` if that matters.
 */
export function isBerthError(value: unknown): value is BerthError {
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    Array.isArray((value as { actions?: unknown }).actions) &&
    typeof (value as { data?: unknown }).data === 'object'
  );
}

/**
 * An error whose code this copy of the protocol does not know (raised by a newer driver or host).
 * It keeps the code, message, actions and data, so the user still sees what went wrong.
 */
export class UnrecognizedCodeError extends BerthError<string> {
  readonly code: string;

  constructor(code: string, message: string, options: BerthErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}
