/**
 * A PowerShell string literal for `value`: single-quoted, each `'` doubled (no `$` or backtick is
 * special inside single quotes). Characters outside printable ASCII are joined in as `[char]0x....`:
 * powershell.exe reads its stdin in the console's code page, so they would not arrive intact, and
 * PowerShell also takes the typographic quotes U+2018-U+201B as single quotes.
 */
export function psString(value: string): string {
  const parts: string[] = [];
  let literal = '';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (code >= 0x20 && code < 0x7f) {
      literal += char === "'" ? "''" : char;
      continue;
    }
    if (literal) parts.push(`'${literal}'`);
    literal = '';
    // Astral characters as their two UTF-16 units, which is what a .NET string holds.
    for (let i = 0; i < char.length; i++) parts.push(`[char]0x${char.charCodeAt(i).toString(16).padStart(4, '0')}`);
  }
  if (literal || parts.length === 0) parts.push(`'${literal}'`);
  if (parts.length === 1 && (parts[0] as string).startsWith("'")) return parts[0] as string;
  // A string first, so `+` concatenates (with a [char] on its left it would add numbers), and in
  // parentheses, so the whole is one argument in a cmdlet's argument list.
  if (!(parts[0] as string).startsWith("'")) parts.unshift("''");
  return `(${parts.join(' + ')})`;
}
