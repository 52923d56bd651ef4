import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import {
  CancelledError,
  DriverCrashedError,
  DriverNotFoundError,
  DriverProtocolError,
  DriverTimeoutError,
  InternalError,
  InvalidFlagError,
  MachineNotRunningError,
  MissingFlagError,
  NotSupportedError,
  ProtocolVersionMismatchError,
  TimeoutError,
} from './error-classes.js';
import { type ErrorCode, isErrorCode } from './error-codes.js';
import { type BerthError, type BerthErrorOptions, isBerthError, UnrecognizedCodeError } from './errors.js';

/**
 * JSON-RPC error code used for every BerthError on the wire. It lies outside the range JSON-RPC
 * reserves (-32768 to -32000); the Berth code travels in `data.code`.
 */
export const BERTH_ERROR_CODE = 1;

/**
 * JSON-RPC error code some peers (LSP libraries) answer a cancelled request with. Berth drivers answer
 * with a `Cancelled` BerthError instead; this is understood too.
 */
export const REQUEST_CANCELLED_CODE = -32800;

/** `error.data` of a JSON-RPC error that carries a BerthError. */
export interface BerthErrorData {
  /** One of the codes in ERROR_CODES (a newer peer may send a code the receiver does not know). */
  code: string;
  /** What the user can do about it. */
  actions: string[];
  /** Structured details, JSON-serialisable. */
  data: Record<string, unknown>;
}

/** A class that can be rebuilt from the wire: the standard `(message, options)` constructor. */
export type ErrorClass<C extends ErrorCode = ErrorCode> = new (
  message: string,
  options?: BerthErrorOptions,
) => BerthError<C>;

/** Which class to rebuild for which code. */
export type ErrorClassTable = { readonly [C in ErrorCode]?: ErrorClass<C> };

/** The classes this package defines. Merge your own: `{...PROTOCOL_ERROR_CLASSES, ...mine}`. */
export const PROTOCOL_ERROR_CLASSES: ErrorClassTable = {
  Internal: InternalError,
  NotSupported: NotSupportedError,
  Cancelled: CancelledError,
  Timeout: TimeoutError,
  InvalidFlag: InvalidFlagError,
  MissingFlag: MissingFlagError,
  MachineNotRunning: MachineNotRunningError,
  ProtocolVersionMismatch: ProtocolVersionMismatchError,
  DriverNotFound: DriverNotFoundError,
  DriverProtocol: DriverProtocolError,
  DriverCrashed: DriverCrashedError,
  DriverTimeout: DriverTimeoutError,
};

/**
 * Turns anything a driver method threw into the JSON-RPC error sent back. A BerthError keeps its
 * code, message, actions and data. Anything else becomes `Internal`, tagged with the driver name.
 */
export function errorToWire(error: unknown, driverName: string): ResponseError<BerthErrorData> {
  if (isBerthError(error)) {
    return new ResponseError(BERTH_ERROR_CODE, error.message, {
      code: error.code,
      actions: error.actions,
      data: error.data,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(BERTH_ERROR_CODE, `${driverName} driver: ${message}`, {
    code: 'Internal',
    actions: [`This is a bug in the ${driverName} driver; report it to the driver's author.`],
    data: { driver: driverName },
  });
}

/** The parts of a JSON-RPC error that `errorFromWire` reads (a vscode-jsonrpc ResponseError fits). */
export interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

export interface ErrorFromWireOptions {
  /** Classes to rebuild, by code. Defaults to {@link PROTOCOL_ERROR_CLASSES}. */
  classes?: ErrorClassTable;
  /** Names the peer in messages about errors that are not BerthErrors. */
  driverName?: string;
}

function isBerthErrorData(value: unknown): value is BerthErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === 'string' &&
    Array.isArray(candidate.actions) &&
    candidate.actions.every((action) => typeof action === 'string') &&
    typeof candidate.data === 'object' &&
    candidate.data !== null &&
    !Array.isArray(candidate.data)
  );
}

/**
 * Rebuilds the error a peer sent: the class registered for `data.code` (so `instanceof` works on the
 * receiving side), or an {@link UnrecognizedCodeError} that keeps an unknown code. Plain JSON-RPC
 * errors map to the closest code: MethodNotFound → NotSupported, RequestCancelled → Cancelled,
 * malformed requests → DriverProtocol, anything else → Internal.
 */
export function errorFromWire(error: WireError, options: ErrorFromWireOptions = {}): BerthError<string> {
  const classes = options.classes ?? PROTOCOL_ERROR_CLASSES;
  const peer = options.driverName === undefined ? 'The driver' : `The ${options.driverName} driver`;
  const driverData = options.driverName === undefined ? {} : { driver: options.driverName };
  if (error.code === BERTH_ERROR_CODE) {
    if (!isBerthErrorData(error.data)) {
      return new DriverProtocolError(`${peer} sent an error without valid Berth error data: ${error.message}`, {
        data: { ...driverData, wire: error.data ?? null },
      });
    }
    const { code, actions, data } = error.data;
    const known = isErrorCode(code) ? classes[code] : undefined;
    if (known !== undefined) return new known(error.message, { actions, data });
    return new UnrecognizedCodeError(code, error.message, { actions, data });
  }
  switch (error.code) {
    case ErrorCodes.MethodNotFound:
      return new NotSupportedError(`${peer} does not implement this call (${error.message})`, {
        actions: ['Upgrade the driver: it speaks an older minor version of the protocol.'],
        data: driverData,
      });
    case REQUEST_CANCELLED_CODE:
      return new CancelledError(error.message, { data: driverData });
    case ErrorCodes.ParseError:
    case ErrorCodes.InvalidRequest:
    case ErrorCodes.InvalidParams:
      return new DriverProtocolError(`${peer} rejected a malformed message: ${error.message}`, {
        data: { ...driverData, jsonRpcCode: error.code },
      });
    default:
      return new InternalError(`${peer} failed: ${error.message}`, {
        data: { ...driverData, jsonRpcCode: error.code },
      });
  }
}
