/** Go's strconv.Quote (what `%q` prints): a double-quoted string with Go escapes. */
export function quoteGo(text: string): string {
  let out = '"';
  for (const char of text) out += escapeRune(char, '"');
  return `${out}"`;
}

/** Go's strconv.QuoteRune, what `%q` prints for an integer. */
export function quoteGoRune(codePoint: number): string {
  const valid = codePoint >= 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return `'${escapeRune(String.fromCodePoint(valid ? codePoint : 0xfffd), "'")}'`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. Made on
// first use: building its Unicode classes costs half a millisecond at every start otherwise.
let printable: RegExp | undefined;

function escapeRune(char: string, quote: string): string {
  if (char === quote || char === '\\') return `\\${char}`;
  const codePoint = char.codePointAt(0) ?? 0xfffd;
  // A lone surrogate cannot be UTF-8; Go would see the replacement character.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return '\\ufffd';
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
  if (printable.test(char)) return char;
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  if (codePoint < 0x20 || codePoint === 0x7f) return `\\x${hex(codePoint, 2)}`;
  if (codePoint < 0x10000) return `\\u${hex(codePoint, 4)}`;
  return `\\U${hex(codePoint, 8)}`;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
