export { BaseDriver } from './base-driver.js';
export { type BaseDriverConfig, baseDriverConfig, composeDriverConfig } from './base-driver-config.js';
export { type CallContextOptions, createCallContext } from './call-context.js';
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
export { boolFlag, intFlag, stringArrayFlag, stringFlag } from './flag-values.js';
export { JOURNAL_FILE, type JournalEntry, MachineJournal } from './journal.js';
export * from './machine-state.js';
export * from './methods.js';
export { type FlagSources, resolveFlagValues } from './resolve-flag-values.js';
export { serve } from './serve.js';
export { type ServedConnection, serveConnection } from './serve-connection.js';
export { openSshRsaPublicKey } from './ssh-public-key.js';
export type * from './types.js';
export * from './version.js';
export { type HandshakeEnds, protocolVersionMismatch } from './version-mismatch.js';
