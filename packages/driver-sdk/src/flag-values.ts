import type { FlagValues } from '@berth/driver-protocol';
import { InvalidFlagError } from '@berth/driver-protocol';

// Typed reads of resolved flag values inside a driver. The host sends a value of the declared type
// for every declared flag; these throw InvalidFlagError if it did not, instead of casting blindly.

function wrongType(name: string, expected: string, value: unknown): InvalidFlagError {
  const got = value === undefined ? 'no value' : `${typeof value} ${JSON.stringify(value)}`;
  return new InvalidFlagError(`--${name} must be ${expected}, but the host sent ${got}`, {
    data: { flag: name },
  });
}

export function stringFlag(values: FlagValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string') throw wrongType(name, 'a string', value);
  return value;
}

export function intFlag(values: FlagValues, name: string): number {
  const value = values[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrongType(name, 'an integer', value);
  return value;
}

export function boolFlag(values: FlagValues, name: string): boolean {
  const value = values[name];
  if (typeof value !== 'boolean') throw wrongType(name, 'a boolean', value);
  return value;
}

export function stringArrayFlag(values: FlagValues, name: string): string[] {
  const value = values[name];
  if (!Array.isArray(value)) throw wrongType(name, 'a list of strings', value);
  return value;
}
