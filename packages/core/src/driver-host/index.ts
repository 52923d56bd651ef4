export { type FlagSources, resolveFlagValues } from '@berth/driver-sdk';
export type { BuiltinDrivers } from './builtin-driver.js';
export {
  type DiscoveryOptions,
  DRIVERS_PATH_ENV,
  type DriverExecutable,
  type DriverSource,
  discoverableDriverNames,
  driverExecutableName,
  findDriverExecutable,
} from './discovery.js';
export type { DriverExit } from './driver-endpoint.js';
export {
  DEFAULT_DRIVER_HOST_TIMEOUTS,
  DriverHost,
  type DriverHostOptions,
  type DriverHostTimeouts,
  type DriverLogEvent,
  type DriverProgressEvent,
  type DriverSpawnEvent,
  type DriverStderrEvent,
} from './driver-host.js';
export { type CallOptions, type DriverSecrets, RemoteDriver } from './remote-driver.js';
export { REDACTED } from './secret-redactor.js';
