/**
 * Go's strconv.Unquote for the literals a template may contain: "interpreted" strings,
 * `raw` strings and 'c' character constants. Returns undefined where Go reports
 * "invalid syntax".
 */
export function unquoteGoString(literal: string): string | undefined {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) return undefined;
  const body = literal.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body.replaceAll('\r', '');
  if (quote !== '"') return undefined;
  const bytes = decodeEscapes(body, '"');
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
}

/** The code point of a character constant such as `'a'` or `'\n'`. */
export function unquoteGoChar(literal: string): number | undefined {
  if (literal.length < 3 || !literal.startsWith("'") || !literal.endsWith("'")) return undefined;
  const body = literal.slice(1, -1);
  if (!body.startsWith('\\')) {
    const chars = Array.from(body);
    return chars.length === 1 ? chars[0]?.codePointAt(0) : undefined;
  }
  const escaped = readEscape(body, 1, "'");
  if (escaped === undefined || escaped.next !== body.length) return undefined;
  return escaped.value;
}

type Escape = { kind: 'rune' | 'byte'; value: number; next: number };

const SIMPLE: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

function readEscape(text: string, at: number, quote: string): Escape | undefined {
  const c = text[at];
  if (c === undefined) return undefined;
  const simple = SIMPLE[c];
  if (simple !== undefined) return { kind: 'rune', value: simple, next: at + 1 };
  if (c === quote) return { kind: 'rune', value: c.charCodeAt(0), next: at + 1 };
  const hexRun = (length: number): number | undefined => {
    const digits = text.slice(at + 1, at + 1 + length);
    return /^[0-9a-fA-F]+$/.test(digits) && digits.length === length ? Number.parseInt(digits, 16) : undefined;
  };
  switch (c) {
    case 'x': {
      const value = hexRun(2);
      return value === undefined ? undefined : { kind: 'byte', value, next: at + 3 };
    }
    case 'u':
    case 'U': {
      const length = c === 'u' ? 4 : 8;
      const value = hexRun(length);
      if (value === undefined || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
      return { kind: 'rune', value, next: at + 1 + length };
    }
  }
  if (c >= '0' && c <= '7') {
    const digits = text.slice(at, at + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const value = Number.parseInt(digits, 8);
    return value > 255 ? undefined : { kind: 'byte', value, next: at + 3 };
  }
  return undefined;
}

function decodeEscapes(body: string, quote: string): number[] | undefined {
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '\\') {
      const escaped = readEscape(body, i + 1, quote);
      if (escaped === undefined) return undefined;
      if (escaped.kind === 'byte') bytes.push(escaped.value);
      else bytes.push(...Buffer.from(String.fromCodePoint(escaped.value), 'utf8'));
      i = escaped.next;
      continue;
    }
    const code = body.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(code);
    bytes.push(...Buffer.from(char, 'utf8'));
    i += char.length;
  }
  return bytes;
}
