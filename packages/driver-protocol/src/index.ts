export type { CallContext, Driver, DriverMethodName } from './driver.js';
export * from './error-classes.js';
export { ERROR_CODES, type ErrorCode, isErrorCode } from './error-codes.js';
export * from './error-wire.js';
export {
  BerthError,
  type BerthErrorJson,
  type BerthErrorOptions,
  isBerthError,
  UnrecognizedCodeError,
} from './errors.js';
export * from './machine-state.js';
export * from './methods.js';
export type * from './types.js';
export * from './version.js';
export { type HandshakeEnds, protocolVersionMismatch } from './version-mismatch.js';
