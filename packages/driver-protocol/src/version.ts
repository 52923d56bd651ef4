/**
 * Protocol version spoken by this package, `MAJOR.MINOR`. The major is checked in
 * `driver/initialize`; a minor bump only adds optional fields, methods and codes.
 */
export const PROTOCOL_VERSION = '1.2';

/** Environment variable a host sets so a driver knows it is run as a plugin. */
export const DRIVER_COOKIE_ENV = 'BERTH_DRIVER_COOKIE';
/** The cookie's value. Not a security measure: it only stops accidental direct runs. */
export const DRIVER_COOKIE_VALUE = 'berth-driver-v1';

/** The major part of a `MAJOR.MINOR` version, or -1 if it has none. */
export function protocolMajor(version: string): number {
  const major = /^(\d+)(?:\.\d+)*$/.exec(version.trim())?.[1];
  return major === undefined ? -1 : Number(major);
}

/**
 * Whether `version` has the major of `minimum` and at least its minor (`MAJOR.MINOR`; a missing minor
 * counts as 0). False for anything unreadable, so a peer that says nothing usable is treated as old.
 */
export function protocolAtLeast(version: string, minimum: string): boolean {
  const parse = (text: string) => /^(\d+)(?:\.(\d+))?(?:\.\d+)*$/.exec(text.trim());
  const have = parse(version);
  const want = parse(minimum);
  if (have === null || want === null || have[1] !== want[1]) return false;
  return Number(have[2] ?? 0) >= Number(want[2] ?? 0);
}
