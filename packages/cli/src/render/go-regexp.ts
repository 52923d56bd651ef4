/**
 * Compiles a Go (RE2) regular expression, as `ls --filter name=…` takes, into a JavaScript
 * RegExp. The common syntax is shared; RE2-only forms are translated (a leading `(?i)`,
 * `(?P<name>…)`, `\A`, `\z`), and forms RE2 rejects (look-around, back-references) are
 * rejected. Errors use Go's wording: `error parsing regexp: missing closing ]: `[a``.
 */
export class GoRegexpError extends Error {}

export function compileGoRegexp(pattern: string): RegExp {
  const unsupported = /\(\?<?[=!]/.exec(pattern);
  if (unsupported !== null) fail('invalid or unsupported Perl syntax', unsupported[0]);
  const backReference = /(?<!\\)(?:\\\\)*(\\[1-9])/.exec(pattern);
  if (backReference?.[1] !== undefined) fail('invalid escape sequence', backReference[1]);

  let source = pattern;
  let flags = '';
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading !== null) {
    const modes = leading[1] ?? '';
    if (modes.includes('U')) fail('invalid or unsupported Perl syntax', leading[0]);
    flags = [...new Set(modes)].join('');
    source = source.slice(leading[0].length);
  }
  source = source.replaceAll('(?P<', '(?<').replaceAll('\\A', '(?<![\\s\\S])').replaceAll('\\z', '(?![\\s\\S])');
  try {
    return new RegExp(source, flags);
  } catch (error) {
    return fail(...translateError(pattern, error instanceof Error ? error.message : String(error)));
  }
}

function fail(reason: string, fragment: string): never {
  throw new GoRegexpError(`error parsing regexp: ${reason}: \`${fragment}\``);
}

/** Maps V8's SyntaxError text to RE2's error code and the fragment Go quotes. */
function translateError(pattern: string, message: string): [string, string] {
  if (message.includes('Unterminated character class')) {
    return ['missing closing ]', pattern.slice(pattern.lastIndexOf('['))];
  }
  if (message.includes('Unterminated group')) return ['missing closing )', pattern];
  if (message.includes("Unmatched ')'")) return ['unexpected )', pattern];
  if (message.includes('Nothing to repeat')) {
    const nested = /[*+?][*+]/.exec(pattern);
    if (nested !== null) return ['invalid nested repetition operator', nested[0]];
    const bare = /(?:^|[(|])([*+?])/.exec(pattern);
    return ['missing argument to repetition operator', bare?.[1] ?? pattern];
  }
  if (message.includes('\\ at end of pattern')) return ['trailing backslash at end of expression', ''];
  if (message.includes('Range out of order')) return ['invalid character class range', pattern];
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
  return [reason, pattern];
}
