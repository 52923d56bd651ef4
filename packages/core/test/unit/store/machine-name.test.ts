import { describe, expect, it } from 'vitest';
import { InvalidMachineNameError } from '../../../src/errors/store-errors.js';
import { assertPathSafeMachineName, isValidMachineName, validateMachineName } from '../../../src/store/machine-name.js';
import { fixtureOutput } from './support/fixture-store.js';

describe('machine names', () => {
  it.each(['default', 'dm-generic', 'a', '0', 'web1.example.com', 'A-b.C-9', 'x-', 'x.'])('accepts %j', (name) => {
    expect(isValidMachineName(name)).toBe(true);
    expect(() => validateMachineName(name)).not.toThrow();
  });

  it.each(['', 'bad name!', '-x', '.x', 'a_b', 'a/b', '..', 'é', 'a b', 'name\n'])('rejects %j', (name) => {
    expect(isValidMachineName(name)).toBe(false);
    expect(() => validateMachineName(name)).toThrow(InvalidMachineNameError);
  });

  it('words the error like docker-machine create does', async () => {
    const error = catchError(() => validateMachineName('bad name!'));
    expect(error).toBeInstanceOf(InvalidMachineNameError);
    expect(error.code).toBe('InvalidMachineName');
    expect(error.actions.length).toBeGreaterThan(0);
    expect(error.data).toEqual({ name: 'bad name!' });
    // `create` prefixes every error with "Error creating machine: ".
    for (const fixture of ['create-none-bad-name.stderr', 'create-none-bad-name-with-url.stderr']) {
      expect(`Error creating machine: ${error.message}\n`).toBe(await fixtureOutput(fixture));
    }
  });

  it('lets existing odd names through but never path tricks', () => {
    expect(() => assertPathSafeMachineName('under_score')).not.toThrow();
    for (const name of ['', '.', '..', 'a/b', 'a\\b', '../etc', 'a\0b']) {
      expect(() => assertPathSafeMachineName(name)).toThrow(InvalidMachineNameError);
    }
  });
});

function catchError(fn: () => void): InvalidMachineNameError {
  try {
    fn();
  } catch (error) {
    return error as InvalidMachineNameError;
  }
  throw new Error('expected an error');
}
