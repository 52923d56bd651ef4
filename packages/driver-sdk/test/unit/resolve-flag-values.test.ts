import { type CreateFlag, InvalidFlagError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import { resolveFlagValues } from '../../src/index.js';

const flags: CreateFlag[] = [
  { name: 'generic-ip-address', type: 'string', description: 'IP', envVar: 'GENERIC_IP_ADDRESS' },
  { name: 'generic-ssh-port', type: 'int', description: 'port', default: 22, envVar: 'GENERIC_SSH_PORT' },
  { name: 'amazonec2-use-private-address', type: 'bool', description: 'private', envVar: 'AWS_USE_PRIVATE' },
  { name: 'amazonec2-tags', type: 'string-array', description: 'tags', envVar: 'AWS_TAGS' },
  { name: 'amazonec2-secret-key', type: 'string', description: 'key', envVar: 'AWS_SECRET_ACCESS_KEY', secret: true },
];

describe('resolveFlagValues', () => {
  it('gives every flag a value: default, else the zero value of its type', () => {
    expect(resolveFlagValues(flags)).toEqual({
      'generic-ip-address': '',
      'generic-ssh-port': 22,
      'amazonec2-use-private-address': false,
      'amazonec2-tags': [],
      'amazonec2-secret-key': '',
    });
  });

  it('prefers argv over the environment over the default', () => {
    const env = { GENERIC_IP_ADDRESS: '10.0.0.1', GENERIC_SSH_PORT: '2222' };
    expect(resolveFlagValues(flags, { env })).toMatchObject({
      'generic-ip-address': '10.0.0.1',
      'generic-ssh-port': 2222,
    });
    expect(resolveFlagValues(flags, { env, given: { 'generic-ssh-port': '2200' } })).toMatchObject({
      'generic-ip-address': '10.0.0.1',
      'generic-ssh-port': 2200,
    });
  });

  it('ignores empty environment variables and undeclared argv keys', () => {
    const values = resolveFlagValues(flags, { env: { GENERIC_SSH_PORT: '' }, given: { 'engine-label': ['a=b'] } });
    expect(values['generic-ssh-port']).toBe(22);
    expect(values).not.toHaveProperty('engine-label');
  });

  it('parses booleans like Docker Machine (Go ParseBool words)', () => {
    for (const [text, value] of [
      ['1', true],
      ['t', true],
      ['TRUE', true],
      ['0', false],
      ['F', false],
      ['false', false],
    ] as const) {
      expect(resolveFlagValues(flags, { env: { AWS_USE_PRIVATE: text } })['amazonec2-use-private-address']).toBe(value);
    }
    expect(resolveFlagValues(flags, { given: { 'amazonec2-use-private-address': true } })).toMatchObject({
      'amazonec2-use-private-address': true,
    });
  });

  it('splits list flags from the environment on commas (Docker Machine ignored them)', () => {
    const values = resolveFlagValues(flags, { env: { AWS_TAGS: 'a=1, b=2,,' } });
    expect(values['amazonec2-tags']).toEqual(['a=1', 'b=2']);
    expect(resolveFlagValues(flags, { given: { 'amazonec2-tags': 'single' } })['amazonec2-tags']).toEqual(['single']);
  });

  it('names the flag and the bad value', () => {
    expect(() => resolveFlagValues(flags, { given: { 'generic-ssh-port': 'twenty-two' } })).toThrow(
      expect.objectContaining({
        code: 'InvalidFlag',
        message: '--generic-ssh-port "twenty-two" is not an integer',
        actions: ['Give --generic-ssh-port an integer.'],
        data: { flag: 'generic-ssh-port' },
      }),
    );
    expect(() => resolveFlagValues(flags, { env: { GENERIC_SSH_PORT: '22.5' } })).toThrow(
      '$GENERIC_SSH_PORT (for --generic-ssh-port) "22.5" is not an integer',
    );
    expect(() => resolveFlagValues(flags, { given: { 'amazonec2-use-private-address': 'yes' } })).toThrow(
      InvalidFlagError,
    );
  });

  it('does not echo secret values in errors', () => {
    let error: unknown;
    try {
      resolveFlagValues(flags, { given: { 'amazonec2-secret-key': { nested: 'AKIA-SECRET' } } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidFlagError);
    expect((error as Error).message).toBe('--amazonec2-secret-key (secret value) is not a string');
  });
});
