import { SeedImageError } from './seed-errors.js';

/**
 * `value` as a YAML double-quoted scalar that YAML 1.1 (PyYAML, which cloud-init parses with) and
 * 1.2 read back unchanged: printable ASCII as is, `"` and `\` escaped, everything else as
 * \uXXXX or \UXXXXXXXX. Like JSON.stringify, but never a raw U+2028 or U+0085, which YAML 1.1
 * takes for line breaks. We write the seed's few lines ourselves rather than add a YAML library.
 */
export function yamlQuoted(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new SeedImageError(`cloud-config value ${JSON.stringify(value)} holds a lone UTF-16 surrogate`);
    }
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
