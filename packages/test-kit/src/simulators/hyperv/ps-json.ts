/**
 * ConvertTo-Json as Windows PowerShell 5.1 writes it. `-Compress` gives no spaces at all; the
 * default layout indents by 4 and puts two spaces after each colon (reference §3.3). Like 5.1's
 * serializer, it escapes `<`, `>`, `&` and `'` as \uXXXX (`'it\u0027s'`), so a reader must parse
 * JSON rather than match text.
 */
export type PsJson = string | number | boolean | null | PsJson[] | { [key: string]: PsJson };

function quote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || char === '<' || char === '>' || char === '&' || char === "'") {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

export function toJsonCompressed(value: PsJson): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toJsonCompressed).join(',')}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${quote(key)}:${toJsonCompressed(item)}`)
    .join(',')}}`;
}

/** The default (pretty) layout, lines joined by CRLF; an empty array is `[` blank line `]` as 5.1 prints it. */
export function toJsonPretty(value: PsJson, indent = ''): string {
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[\r\n\r\n]';
    return `[\r\n${value.map((item) => inner + toJsonPretty(item, inner)).join(',\r\n')}\r\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{\r\n\r\n}';
    return `{\r\n${entries
      .map(([key, item]) => `${inner}${quote(key)}:  ${toJsonPretty(item, inner)}`)
      .join(',\r\n')}\r\n${indent}}`;
  }
  return toJsonCompressed(value);
}
