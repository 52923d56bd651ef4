/**
 * Protocol version spoken by this package, `MAJOR.MINOR`. The major is checked in
 * `driver/initialize`; a minor bump only adds optional fields, methods and codes.
 */
export const PROTOCOL_VERSION = '1.1';

/** Environment variable a host sets so a driver knows it is run as a plugin. */
export const DRIVER_COOKIE_ENV = 'BERTH_DRIVER_COOKIE';
/** The cookie's value. Not a security measure: it only stops accidental direct runs. */
export const DRIVER_COOKIE_VALUE = 'berth-driver-v1';

/** The major part of a `MAJOR.MINOR` version, or -1 if it has none. */
export function protocolMajor(version: string): number {
  const major = /^(\d+)(?:\.\d+)*$/.exec(version.trim())?.[1];
  return major === undefined ? -1 : Number(major);
}
