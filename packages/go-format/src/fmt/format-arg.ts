import { quoteGo, quoteGoRune } from '../strconv/quote.js';
import { GoStringer, GoStruct, goTypeName, isGoMap, sortedKeys } from '../values/values.js';
import { formatGoFloat } from './float.js';

/** The flags, width and precision of one fmt directive such as `%-10s` or `%.2f`. */
export interface FormatFlags {
  minus?: boolean;
  plus?: boolean;
  sharp?: boolean;
  space?: boolean;
  zero?: boolean;
  width?: number;
  precision?: number;
}

const NO_FLAGS: FormatFlags = {};

/**
 * Formats one value for one verb the way Go's fmt does. Composite values (slices, maps,
 * structs) apply the verb to each element, so `%s` of a list prints `[a b]`.
 */
export function formatArg(value: unknown, verb: string, flags: FormatFlags = NO_FLAGS, depth = 0): string {
  if (value === null || value === undefined) {
    return verb === 'v' ? pad('<nil>', flags) : `%!${verb}(<nil>)`;
  }
  if (value instanceof GoStringer) {
    if ('vsqxX'.includes(verb)) return formatString(value.text, verb, flags, value);
    return formatArg(value.underlying, verb, flags, depth);
  }
  if (value instanceof GoStruct) return formatStruct(value, verb, flags, depth);
  if (Array.isArray(value)) {
    return `[${value.map((item) => formatArg(item, verb, flags, depth + 1)).join(' ')}]`;
  }
  switch (typeof value) {
    case 'string':
      return formatString(value, verb, flags, value);
    case 'boolean':
      return verb === 't' || verb === 'v' ? pad(String(value), flags) : badVerb(verb, value);
    case 'bigint':
      return formatInteger(value, verb, flags);
    case 'number':
      return formatFloat(value, verb, flags);
  }
  if (isGoMap(value)) {
    const entries = sortedKeys(value).map(
      (k) => `${formatArg(k, verb, flags, depth + 1)}:${formatArg(value[k], verb, flags, depth + 1)}`,
    );
    return `map[${entries.join(' ')}]`;
  }
  return pad(String(value), flags);
}

/** `%!d(string=abc)`: what Go prints when a verb does not fit the value. */
export function badVerb(verb: string, value: unknown): string {
  if (value === null || value === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(value)}=${formatArg(value, 'v')})`;
}

function formatStruct(value: GoStruct, verb: string, flags: FormatFlags, depth: number): string {
  if (value.isNil) return verb === 'v' ? pad('<nil>', flags) : `%!${verb}(${value.typeName}=<nil>)`;
  const fields = value.fields.map((f) => {
    const text = formatArg(f.value, verb, flags, depth + 1);
    return flags.plus && verb === 'v' ? `${f.name}:${text}` : text;
  });
  // Go prints nested pointers as addresses; an address is noise in CLI output, so `&{…}` at any depth.
  return `${value.isPointer ? '&' : ''}{${fields.join(' ')}}`;
}

function formatString(text: string, verb: string, flags: FormatFlags, original: unknown): string {
  switch (verb) {
    case 'v':
    case 's':
      return pad(truncate(text, flags.precision), flags);
    case 'q':
      return pad(quoteGo(truncate(text, flags.precision)), flags);
    case 'x':
    case 'X': {
      const hex = Buffer.from(truncate(text, flags.precision), 'utf8').toString('hex');
      return pad(verb === 'X' ? hex.toUpperCase() : hex, flags);
    }
    default:
      return badVerb(verb, original);
  }
}

function formatInteger(value: bigint, verb: string, flags: FormatFlags): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'v':
    case 'd':
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (flags.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (flags.sharp) prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (flags.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (flags.sharp) prefix = '0X';
      break;
    case 'c':
      return pad(String.fromCodePoint(validCodePoint(value)), flags);
    case 'q':
      return pad(quoteGoRune(Number(value)), flags);
    case 'U':
      return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, flags);
    default:
      return badVerb(verb, value);
  }
  const sign = negative ? '-' : flags.plus ? '+' : flags.space ? ' ' : '';
  if (flags.precision !== undefined) {
    digits = flags.precision === 0 && abs === 0n ? '' : digits.padStart(flags.precision, '0');
  } else if (flags.zero && !flags.minus && flags.width !== undefined) {
    digits = digits.padStart(flags.width - sign.length, '0');
  }
  return pad(sign + prefix + digits, { ...flags, zero: false });
}

function validCodePoint(value: bigint): number {
  const n = Number(value);
  return n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? n : 0xfffd;
}

function formatFloat(value: number, verb: string, flags: FormatFlags): string {
  let format: 'e' | 'f' | 'g';
  let precision = flags.precision ?? -1;
  switch (verb) {
    case 'v':
    case 'g':
    case 'G':
      format = 'g';
      break;
    case 'e':
    case 'E':
      format = 'e';
      if (flags.precision === undefined) precision = 6;
      break;
    case 'f':
    case 'F':
      format = 'f';
      if (flags.precision === undefined) precision = 6;
      break;
    case 'd':
      // Deliberately lenient: Go rejects %d for float64, but JSON data only has float64,
      // so `printf "%d" .Driver.SSHPort` prints 22 instead of %!d(float64=22).
      return Number.isInteger(value) ? formatInteger(BigInt(value), verb, flags) : badVerb(verb, value);
    default:
      return badVerb(verb, value);
  }
  let text = formatGoFloat(value, format, precision);
  if (verb === 'E' || verb === 'G') text = text.toUpperCase();
  const finite = Number.isFinite(value);
  let sign = '';
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text[0] === '-' || flags.plus ? (text[0] ?? '') : '';
    text = text.slice(1);
  } else if (flags.plus) sign = '+';
  else if (flags.space) sign = ' ';
  if (!finite && sign === '' && text === 'Inf') sign = flags.space ? ' ' : '+';
  if (finite && flags.zero && !flags.minus && flags.width !== undefined) {
    text = text.padStart(flags.width - sign.length, '0');
  }
  return pad(sign + text, { ...flags, zero: false });
}

function truncate(text: string, precision: number | undefined): string {
  if (precision === undefined) return text;
  return Array.from(text).slice(0, precision).join('');
}

/** Width is counted in runes, as Go counts it. */
function pad(text: string, flags: FormatFlags): string {
  const width = flags.width ?? 0;
  const length = Array.from(text).length;
  if (length >= width) return text;
  const fill = (flags.zero && !flags.minus ? '0' : ' ').repeat(width - length);
  return flags.minus ? text + fill : fill + text;
}
