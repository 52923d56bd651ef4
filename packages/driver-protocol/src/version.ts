/**
 * Protocol version spoken by this package. The major part is checked in
 * `driver/initialize`; a minor bump only adds optional fields.
 */
export const PROTOCOL_VERSION = '1.0';

/** Environment variable a host sets so a driver knows it is run as a plugin. */
export const DRIVER_COOKIE_ENV = 'BERTH_DRIVER_COOKIE';
/** The cookie's value. Not a security measure: it only stops accidental direct runs. */
export const DRIVER_COOKIE_VALUE = 'berth-driver-v1';

export function protocolMajor(version: string): number {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  return Number.isNaN(major) ? -1 : major;
}
