import { locate, TemplateParseError } from './errors.js';

/**
 * Splits template source into tokens, following Go's text/template lexer: `{{`/`}}`
 * delimiters, `{{- ` and ` -}}` trim markers, `{{/* comments *\/}}`, and inside actions
 * fields, variables, identifiers, literals, `|`, parentheses, `:=`, `=` and `,`.
 */
export type TokenKind =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'field'
  | 'dot'
  | 'variable'
  | 'identifier'
  | 'keyword'
  | 'bool'
  | 'nil'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for text: the text after trimming). */
  readonly value: string;
  /** Offset in the source, in UTF-16 code units. */
  readonly pos: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

const LEFT = '{{';
const RIGHT = '}}';

export function lex(source: string, templateName: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let parenDepth = 0;

  const fail = (offset: number, reason: string): never => {
    throw new TemplateParseError({ templateName, source, position: locate(source, offset), reason });
  };
  const emit = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, value: source.slice(start, end), pos: start });
  };
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  // A right delimiter, optionally preceded by the " -" trim marker.
  const rightDelimAt = (at: number): { trim: boolean } | undefined => {
    if (isSpace(source[at]) && source[at + 1] === '-' && source.startsWith(RIGHT, at + 2)) return { trim: true };
    if (source.startsWith(RIGHT, at)) return { trim: false };
    return undefined;
  };
  const atTerminator = (at: number): boolean => {
    const c = source[at];
    if (c === undefined || isSpace(c)) return true;
    if ('.,|:()'.includes(c)) return true;
    return source.startsWith(RIGHT, at);
  };
  const skipSpaceAfter = (at: number): number => {
    let p = at;
    while (isSpace(source[p])) p++;
    return p;
  };

  while (pos < source.length) {
    // Text up to the next action.
    const open = source.indexOf(LEFT, pos);
    const textEnd = open < 0 ? source.length : open;
    const trimLeft = open >= 0 && source[open + 2] === '-' && isSpace(source[open + 3]);
    let kept = textEnd;
    if (trimLeft) while (kept > pos && isSpace(source[kept - 1])) kept--;
    if (kept > pos) emit('text', pos, kept);
    if (open < 0) {
      pos = source.length;
      break;
    }

    // The left delimiter, and a comment if one follows.
    emit('leftDelim', open, open + 2);
    pos = open + 2 + (trimLeft ? 2 : 0);
    if (source.startsWith('/*', pos)) {
      const close = source.indexOf('*/', pos + 2);
      if (close < 0) fail(open, 'unclosed comment');
      const delim = rightDelimAt(close + 2);
      if (delim === undefined) fail(open, 'comment ends before closing delimiter');
      tokens.pop();
      pos = close + 2 + (delim?.trim ? 2 : 0) + RIGHT.length;
      if (delim?.trim) pos = skipSpaceAfter(pos);
      continue;
    }

    // Inside the action.
    for (;;) {
      const delim = rightDelimAt(pos);
      if (delim !== undefined) {
        if (parenDepth > 0) fail(pos, 'unclosed left paren');
        const delimStart = pos + (delim.trim ? 2 : 0);
        emit('rightDelim', delimStart, delimStart + RIGHT.length);
        pos = delimStart + RIGHT.length;
        if (delim.trim) pos = skipSpaceAfter(pos);
        break;
      }
      const start = pos;
      const c = source[pos];
      // Reported where the action opened: the end of input says nothing useful.
      if (c === undefined) fail(open, 'unclosed action');
      if (isSpace(c)) {
        while (isSpace(source[pos]) && rightDelimAt(pos)?.trim !== true) pos++;
        emit('space', start, pos);
        continue;
      }
      pos++;
      switch (c) {
        case '=':
          emit('assign', start, pos);
          continue;
        case ':':
          if (source[pos] !== '=') fail(start, 'expected :=');
          pos++;
          emit('declare', start, pos);
          continue;
        case '|':
          emit('pipe', start, pos);
          continue;
        case ',':
          emit('comma', start, pos);
          continue;
        case '(':
          parenDepth++;
          emit('leftParen', start, pos);
          continue;
        case ')':
          parenDepth--;
          if (parenDepth < 0) fail(start, `unexpected right paren U+0029 ')'`);
          emit('rightParen', start, pos);
          continue;
        case '"':
          pos = scanQuoted(source, pos, '"', () => fail(start, 'unterminated quoted string'));
          emit('string', start, pos);
          continue;
        case "'":
          pos = scanQuoted(source, pos, "'", () => fail(start, 'unterminated character constant'));
          emit('char', start, pos);
          continue;
        case '`': {
          const close = source.indexOf('`', pos);
          if (close < 0) fail(start, 'unterminated raw quoted string');
          pos = close + 1;
          emit('rawString', start, pos);
          continue;
        }
        case '$':
        case '.': {
          if (c === '.' && isDigit(source[pos])) {
            pos = scanNumber(source, start, fail);
            emit('number', start, pos);
            continue;
          }
          if (atTerminator(pos)) {
            emit(c === '$' ? 'variable' : 'dot', start, pos);
            continue;
          }
          while (isAlphaNumeric(source[pos])) pos++;
          if (!atTerminator(pos)) fail(pos, `bad character ${describeChar(source, pos)}`);
          emit(c === '$' ? 'variable' : 'field', start, pos);
          continue;
        }
      }
      if (c === '+' || c === '-' || isDigit(c)) {
        pos = scanNumber(source, start, fail);
        emit('number', start, pos);
        continue;
      }
      if (isAlphaNumeric(c)) {
        while (isAlphaNumeric(source[pos])) pos++;
        if (!atTerminator(pos)) fail(pos, `bad character ${describeChar(source, pos)}`);
        const word = source.slice(start, pos);
        if (KEYWORDS.has(word)) emit('keyword', start, pos);
        else if (word === 'true' || word === 'false') emit('bool', start, pos);
        else if (word === 'nil') emit('nil', start, pos);
        else emit('identifier', start, pos);
        continue;
      }
      fail(start, `unrecognized character in action: ${describeChar(source, start)}`);
    }
  }
  tokens.push({ kind: 'eof', value: '', pos: source.length });
  return tokens;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isAlphaNumeric(c: string | undefined): boolean {
  return c !== undefined && (c === '_' || /[\p{L}\p{Nd}]/u.test(c));
}

/** Go's `%#U` of the character at `at`: `U+0021 '!'`. */
function describeChar(source: string, at: number): string {
  const code = source.codePointAt(at);
  if (code === undefined) return 'EOF';
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${String.fromCodePoint(code)}'`;
}

function scanQuoted(source: string, from: number, quote: string, unterminated: () => never): number {
  let pos = from;
  for (;;) {
    const c = source[pos];
    if (c === undefined || c === '\n') unterminated();
    pos++;
    if (c === '\\') {
      if (source[pos] === undefined || source[pos] === '\n') unterminated();
      pos++;
    } else if (c === quote) return pos;
  }
}

/** Accepts what Go's scanner accepts: sign, base prefixes, underscores, fraction, exponent. */
function scanNumber(source: string, from: number, fail: (offset: number, reason: string) => never): number {
  let pos = from;
  if (source[pos] === '+' || source[pos] === '-') pos++;
  let digits = '0123456789_';
  if (source[pos] === '0' && /[xXoObB]/.test(source[pos + 1] ?? '')) {
    const base = (source[pos + 1] ?? '').toLowerCase();
    digits = base === 'x' ? '0123456789abcdefABCDEF_' : base === 'o' ? '01234567_' : '01_';
    pos += 2;
  }
  while (digits.includes(source[pos] ?? '#')) pos++;
  if (source[pos] === '.') {
    pos++;
    while (digits.includes(source[pos] ?? '#')) pos++;
  }
  if (digits.length === 11 && /[eE]/.test(source[pos] ?? '')) {
    pos++;
    if (source[pos] === '+' || source[pos] === '-') pos++;
    while (isDigit(source[pos]) || source[pos] === '_') pos++;
  }
  if (digits.length > 11 && /[pP]/.test(source[pos] ?? '')) {
    pos++;
    if (source[pos] === '+' || source[pos] === '-') pos++;
    while (isDigit(source[pos]) || source[pos] === '_') pos++;
  }
  if (source[pos] === 'i') pos++;
  if (isAlphaNumeric(source[pos])) fail(from, `bad number syntax: ${JSON.stringify(source.slice(from, pos + 1))}`);
  return pos;
}
