/**
 * Console output in the OEM code page (437, US English Windows) for scripts that do not set
 * `[Console]::OutputEncoding` to UTF-8: what a reader decoding UTF-8 would mangle (PR #4509's
 * "localized switches"). Characters the code page lacks become `?`, as the console writes them.
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const HIGH_BYTES = new Map<string, number>([...CP437_HIGH].map((char, index) => [char, 0x80 + index]));

export function encodeOem(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    bytes.push(code < 0x80 ? code : (HIGH_BYTES.get(char) ?? 0x3f));
  }
  return Buffer.from(bytes);
}

/** The bytes PowerShell writes for `text`: UTF-8 once the script asked for it, else the OEM code page. */
export function encodeConsole(text: string, utf8: boolean): Buffer {
  return utf8 ? Buffer.from(text, 'utf8') : encodeOem(text);
}
