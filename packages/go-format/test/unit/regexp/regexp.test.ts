import { describe, expect, it } from 'vitest';
import { compileGoRegexp, GoRegexpError } from '../../../src/index.js';

function rejection(pattern: string): { code: string; message: string } {
  try {
    compileGoRegexp(pattern);
  } catch (error) {
    if (error instanceof GoRegexpError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`${pattern} compiled`);
}

describe('compileGoRegexp (RE2 syntax)', () => {
  it('translates RE2-only forms and matches unanchored', () => {
    expect(compileGoRegexp('(?i)^DM-').test('dm-1')).toBe(true);
    expect(compileGoRegexp('(?P<n>a)b').test('xab')).toBe(true);
    expect(compileGoRegexp('\\Aweb\\z').test('web')).toBe(true);
    expect(compileGoRegexp('\\Aweb\\z').test('web1')).toBe(false);
  });

  it.each([
    ['[a', 'MissingBracket', 'missing closing ]: `[a`'],
    ['(a', 'MissingParen', 'missing closing ): `(a`'],
    ['(?:a', 'MissingParen', 'missing closing ): `(?:a`'],
    ['a)', 'UnexpectedParen', 'unexpected ): `a)`'],
    ['*a', 'MissingRepeatArgument', 'missing argument to repetition operator: `*`'],
    ['a|+', 'MissingRepeatArgument', 'missing argument to repetition operator: `+`'],
    ['a**', 'InvalidRepeatOp', 'invalid nested repetition operator: `**`'],
    ['a*??', 'InvalidRepeatOp', 'invalid nested repetition operator: `*??`'],
    ['a{2,1}', 'InvalidRepeatSize', 'invalid repeat count: `{2,1}`'],
    ['[z-a]', 'InvalidCharRange', 'invalid character class range: `z-a`'],
    ['a\\', 'TrailingBackslash', 'trailing backslash at end of expression: ``'],
    ['(?=a)', 'InvalidPerlOp', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?U)a', 'InvalidPerlOp', 'invalid or unsupported Perl syntax: `(?U)`'],
    ['(a)\\1', 'InvalidEscape', 'invalid escape sequence: `\\1`'],
  ])('rejects %s with code %s', (pattern, code, reason) => {
    expect(rejection(pattern)).toEqual({ code, message: `error parsing regexp: ${reason}` });
  });

  it('still reports what it cannot name, with the pattern', () => {
    const { code, message } = rejection('(?<1a>x)');
    expect(code).toBe('Unrecognized');
    expect(message).toMatch(/^error parsing regexp: .+: `\(\?<1a>x\)`$/);
  });
});
