import { describe, expect, it } from 'vitest';
import * as classes from '../../src/error-classes.js';
import { ERROR_CODES, isErrorCode } from '../../src/error-codes.js';
import { PROTOCOL_ERROR_CLASSES } from '../../src/error-wire.js';
import { BerthError, isBerthError } from '../../src/errors.js';

describe('error classes', () => {
  const all = Object.values(classes);

  it('has one class per code, each registered for wire rebuilding under its own code', () => {
    const codes = all.map((ErrorClass) => new ErrorClass('x').code);
    expect(new Set(codes).size).toBe(all.length);
    for (const ErrorClass of all) {
      const { code } = new ErrorClass('x');
      expect(isErrorCode(code)).toBe(true);
      expect(PROTOCOL_ERROR_CLASSES[code]).toBe(ErrorClass);
    }
    expect(Object.keys(PROTOCOL_ERROR_CLASSES)).toHaveLength(all.length);
  });

  it('carries actions, exit code, data and cause, and serialises to JSON without the stack', () => {
    const cause = new Error('root');
    const error = new classes.InvalidFlagError('--url "x" is not a URL', {
      actions: ['Give --url a URL.'],
      exitCode: 3,
      data: { flag: 'url' },
      cause,
    });
    expect(error).toBeInstanceOf(BerthError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidFlagError');
    expect(error.exitCode).toBe(3);
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'InvalidFlag',
      message: '--url "x" is not a URL',
      actions: ['Give --url a URL.'],
      data: { flag: 'url' },
    });
  });

  it('defaults to exit code 1, no actions and empty data', () => {
    const error = new classes.NotSupportedError('nope');
    expect(error).toMatchObject({ exitCode: 1, actions: [], data: {} });
  });

  it('recognises BerthErrors by shape, e.g. from another copy of the package', () => {
    const foreign = Object.assign(new Error('from a bundled copy'), { code: 'NotSupported', actions: [], data: {} });
    expect(isBerthError(foreign)).toBe(true);
    expect(isBerthError(new Error('plain'))).toBe(false);
    expect(isBerthError({ code: 'Internal', actions: [], data: {}, message: 'not an Error' })).toBe(false);
  });

  it('documents every code in one table', () => {
    for (const [code, description] of Object.entries(ERROR_CODES)) {
      expect(isErrorCode(code)).toBe(true);
      expect(description.length).toBeGreaterThan(10);
    }
    expect(isErrorCode('NoSuchCode')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
