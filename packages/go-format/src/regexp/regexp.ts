/**
 * Compiles a Go (RE2) regular expression, as `ls --filter name=…` takes, into a JavaScript
 * RegExp. The common syntax is shared; RE2-only forms are translated (a leading `(?i)`,
 * `(?P<name>…)`, `\A`, `\z`), and forms RE2 rejects (look-around, back-references) are
 * rejected. Errors use Go's wording: `error parsing regexp: missing closing ]: `[a``.
 */

/** Go's regexp/syntax error codes (ErrMissingBracket is `MissingBracket`), plus `Unrecognized`. */
export type GoRegexpErrorCode =
  | 'MissingBracket'
  | 'MissingParen'
  | 'UnexpectedParen'
  | 'MissingRepeatArgument'
  | 'InvalidRepeatOp'
  | 'InvalidRepeatSize'
  | 'InvalidCharRange'
  | 'TrailingBackslash'
  | 'InvalidPerlOp'
  | 'InvalidEscape'
  | 'Unrecognized';

/** Go's text for each code; `Unrecognized` shows the JavaScript engine's own description. */
const REASONS: Readonly<Record<Exclude<GoRegexpErrorCode, 'Unrecognized'>, string>> = {
  MissingBracket: 'missing closing ]',
  MissingParen: 'missing closing )',
  UnexpectedParen: 'unexpected )',
  MissingRepeatArgument: 'missing argument to repetition operator',
  InvalidRepeatOp: 'invalid nested repetition operator',
  InvalidRepeatSize: 'invalid repeat count',
  InvalidCharRange: 'invalid character class range',
  TrailingBackslash: 'trailing backslash at end of expression',
  InvalidPerlOp: 'invalid or unsupported Perl syntax',
  InvalidEscape: 'invalid escape sequence',
};

/** A pattern RE2 (or, for `Unrecognized`, the JavaScript engine) rejects. */
export class GoRegexpError extends Error {
  readonly code: GoRegexpErrorCode;
  /** The part of the pattern Go quotes after the reason. */
  readonly fragment: string;

  constructor(code: GoRegexpErrorCode, fragment: string, options: { reason?: string; cause?: unknown } = {}) {
    const reason = code === 'Unrecognized' ? (options.reason ?? 'invalid syntax') : REASONS[code];
    super(`error parsing regexp: ${reason}: \`${fragment}\``, { cause: options.cause });
    this.name = 'GoRegexpError';
    this.code = code;
    this.fragment = fragment;
  }
}

interface Diagnosis {
  readonly code: Exclude<GoRegexpErrorCode, 'Unrecognized'>;
  readonly fragment: string;
}

export function compileGoRegexp(pattern: string): RegExp {
  const unsupported = /\(\?<?[=!]/.exec(pattern);
  if (unsupported !== null) throw new GoRegexpError('InvalidPerlOp', unsupported[0]);
  const backReference = /(?<!\\)(?:\\\\)*(\\[1-9])/.exec(pattern);
  if (backReference?.[1] !== undefined) throw new GoRegexpError('InvalidEscape', backReference[1]);

  let source = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading !== null) {
    const modes = leading[1] ?? '';
    if (modes.includes('U')) throw new GoRegexpError('InvalidPerlOp', leading[0]);
    flags = [...new Set(modes)].join('');
    source = source.slice(leading[0].length);
  }
  source = source.replaceAll('(?P<', '(?<').replaceAll('\\A', '(?<![\\s\\S])').replaceAll('\\z', '(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // V8 says what is wrong only in prose; find RE2's reason in the pattern ourselves.
    const found = diagnose(pattern);
    if (found !== undefined) throw new GoRegexpError(found.code, found.fragment, { cause: error });
    const reason = error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
    throw new GoRegexpError('Unrecognized', pattern, { reason, cause: error });
  }
}

/**
 * The first mistake RE2 would report in `pattern`, found by one pass over it. Called only
 * for a pattern the JavaScript engine rejected, so it needs to recognise mistakes, not to
 * accept every valid pattern.
 */
function diagnose(pattern: string): Diagnosis | undefined {
  let depth = 0;
  // What precedes the current position: nothing a repetition could apply to, something it can,
  // a repetition, or a repetition already made non-greedy.
  let previous: 'none' | 'atom' | 'repeat' | 'lazy' = 'none';
  let repeatStart = 0;
  const repeat = (at: number, length: number): Diagnosis | undefined => {
    const op = pattern.slice(at, at + length);
    if (previous === 'none') return { code: 'MissingRepeatArgument', fragment: op };
    if (previous === 'repeat' && op === '?') {
      previous = 'lazy';
      return undefined;
    }
    if (previous !== 'atom') return { code: 'InvalidRepeatOp', fragment: pattern.slice(repeatStart, at + length) };
    previous = 'repeat';
    repeatStart = at;
    return undefined;
  };

  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      if (i + 1 >= pattern.length) return { code: 'TrailingBackslash', fragment: '' };
      i += 2;
      previous = 'atom';
    } else if (c === '[') {
      const end = classEnd(pattern, i);
      if (typeof end !== 'number') return end;
      i = end;
      previous = 'atom';
    } else if (c === '(') {
      depth++;
      i++;
      // A group's `?:`, `?P<name>`, `?<name>` or `?i:` prefix is not a repetition.
      if (pattern[i] === '?') {
        const prefix = /^\?[^:>)]*[:>)]?/.exec(pattern.slice(i))?.[0] ?? '?';
        i += prefix.length;
        if (prefix.endsWith(')')) depth--;
      }
      previous = 'none';
    } else if (c === ')') {
      if (depth === 0) return { code: 'UnexpectedParen', fragment: pattern };
      depth--;
      i++;
      previous = 'atom';
    } else if (c === '|' || c === '^' || c === '$') {
      i++;
      previous = 'none';
    } else if (c === '*' || c === '+' || c === '?') {
      const problem = repeat(i, 1);
      if (problem !== undefined) return problem;
      i++;
    } else if (c === '{' && /^\{\d+(?:,\d*)?\}/.test(pattern.slice(i))) {
      const braces = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      const text = braces?.[0] ?? '';
      const min = Number(braces?.[1]);
      const max = braces?.[2] === undefined ? min : braces[2] === '' ? -1 : Number(braces[2]);
      // RE2 allows at most 1000 repetitions.
      if (min > 1000 || max > 1000 || (max >= 0 && max < min)) return { code: 'InvalidRepeatSize', fragment: text };
      const problem = repeat(i, text.length);
      if (problem !== undefined) return problem;
      i += text.length;
    } else {
      i += c.length;
      previous = 'atom';
    }
  }
  return depth > 0 ? { code: 'MissingParen', fragment: pattern } : undefined;
}

/** The index after the `]` closing the class that opens at `start`, or what is wrong with it. */
function classEnd(pattern: string, start: number): number | Diagnosis {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  // A `]` first in the class is a literal in RE2.
  if (pattern[i] === ']') i++;
  // The low end of a range `x-y` being read, and where it starts.
  let low: { char: string; at: number } | undefined;
  while (i < pattern.length) {
    const at = i;
    const c = pattern[i] ?? '';
    if (c === ']') return i + 1;
    let char = c;
    if (c === '\\') {
      const escaped = pattern[i + 1];
      if (escaped === undefined) return { code: 'TrailingBackslash', fragment: '' };
      // Only an escaped punctuation character is one literal character; `\d` and such are sets.
      char = /[\p{L}\p{N}]/u.test(escaped) ? '' : escaped;
      i += 2;
    } else i += c.length;
    if (low !== undefined && char !== '' && low.char > char) {
      return { code: 'InvalidCharRange', fragment: pattern.slice(low.at, i) };
    }
    low = undefined;
    // A `-` between two characters makes a range; first or last in the class it is a literal.
    if (char !== '' && pattern[i] === '-' && pattern[i + 1] !== ']' && pattern[i + 1] !== undefined) {
      low = { char, at };
      i++;
    }
  }
  return { code: 'MissingBracket', fragment: pattern.slice(start) };
}
