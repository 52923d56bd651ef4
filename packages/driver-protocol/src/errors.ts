/** Every stable error code a driver or the host can raise. */
export type ErrorCode =
  | 'Internal'
  | 'NotSupported'
  | 'ProtocolVersionMismatch'
  | 'InvalidFlag'
  | 'DriverCrashed'
  | 'DriverTimeout';

export interface BerthErrorOptions {
  actions?: string[];
  exitCode?: number;
  data?: Record<string, unknown>;
  cause?: unknown;
}

/** Base of every Berth error: a stable `code`, a message naming the bad input, and how to fix it. */
export class BerthError extends Error {
  readonly code: ErrorCode = 'Internal';
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

  toJSON(): { code: ErrorCode; message: string; actions: string[]; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, actions: this.actions, data: this.data };
  }
}

/** The operation is not offered by this driver (Docker Machine's "driver does not support X"). */
export class NotSupportedError extends BerthError {
  override readonly code = 'NotSupported' as const;
}

/** Host and driver speak different major protocol versions. */
export class ProtocolVersionMismatchError extends BerthError {
  override readonly code = 'ProtocolVersionMismatch' as const;
}

/** A create flag has a value the driver cannot use. */
export class InvalidFlagError extends BerthError {
  override readonly code = 'InvalidFlag' as const;
}

/** Checks by shape, so it holds across two loaded copies of this package. */
export function isBerthError(value: unknown): value is BerthError {
  return (
    value instanceof Error &&
    typeof (value as Partial<BerthError>).code === 'string' &&
    Array.isArray((value as Partial<BerthError>).actions)
  );
}
