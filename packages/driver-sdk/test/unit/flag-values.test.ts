import { InvalidFlagError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import { boolFlag, intFlag, stringArrayFlag, stringFlag } from '../../src/index.js';

describe('typed flag reads', () => {
  const values = { url: 'tcp://h:1', port: 22, debug: true, tags: ['a'] };

  it('returns values of the right type', () => {
    expect(stringFlag(values, 'url')).toBe('tcp://h:1');
    expect(intFlag(values, 'port')).toBe(22);
    expect(boolFlag(values, 'debug')).toBe(true);
    expect(stringArrayFlag(values, 'tags')).toEqual(['a']);
  });

  it('rejects a missing or mistyped value with InvalidFlag naming the flag', () => {
    expect(() => stringFlag(values, 'port')).toThrow('--port must be a string, but the host sent number 22');
    expect(() => intFlag(values, 'nope')).toThrow('--nope must be an integer, but the host sent no value');
    expect(() => boolFlag(values, 'url')).toThrow(InvalidFlagError);
    expect(() => stringArrayFlag(values, 'url')).toThrow(InvalidFlagError);
  });
});
