import { goTypeName } from '../values/values.js';
import { type FormatFlags, formatArg } from './format-arg.js';

/** Go's fmt.Sprintf: `%v %s %d %q %t %x %f %e %g %c %U %%` with flags, width and precision. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  let i = 0;
  const nextArg = (): { ok: true; value: unknown } | { ok: false } =>
    argIndex < args.length ? { ok: true, value: args[argIndex++] } : { ok: false };

  while (i < format.length) {
    const percent = format.indexOf('%', i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;

    const flags: FormatFlags = {};
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') {
        flags.minus = true;
        flags.zero = false;
      } else if (c === '+') flags.plus = true;
      else if (c === '#') flags.sharp = true;
      else if (c === ' ') flags.space = true;
      else if (c === '0') flags.zero = !flags.minus;
      else break;
    }

    let badWidth = false;
    if (format[i] === '*') {
      i++;
      const arg = nextArg();
      const width = arg.ok ? asInt(arg.value) : undefined;
      if (width === undefined) badWidth = true;
      else if (width < 0) {
        flags.minus = true;
        flags.zero = false;
        flags.width = -width;
      } else flags.width = width;
    } else {
      const digits = /^\d+/.exec(format.slice(i))?.[0];
      if (digits !== undefined) {
        flags.width = Number(digits);
        i += digits.length;
      }
    }

    let badPrecision = false;
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const arg = nextArg();
        const precision = arg.ok ? asInt(arg.value) : undefined;
        if (precision === undefined || precision < 0) badPrecision = true;
        else flags.precision = precision;
      } else {
        const digits = /^\d+/.exec(format.slice(i))?.[0] ?? '';
        flags.precision = digits === '' ? 0 : Number(digits);
        i += digits.length;
      }
    }
    if (badWidth) out += '%!(BADWIDTH)';
    if (badPrecision) out += '%!(BADPREC)';

    const verb = format.codePointAt(i);
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    const verbChar = String.fromCodePoint(verb);
    i += verbChar.length;
    if (verbChar === '%') {
      out += '%';
      continue;
    }
    const arg = nextArg();
    if (!arg.ok) {
      out += `%!${verbChar}(MISSING)`;
      continue;
    }
    out +=
      verbChar === 'v' || 'sdqtxXfFeEgGcUboO'.includes(verbChar)
        ? formatArg(arg.value, verbChar, flags)
        : `%!${verbChar}(${describe(arg.value)})`;
  }

  if (argIndex < args.length) {
    out += `%!(EXTRA ${args.slice(argIndex).map(describe).join(', ')})`;
  }
  return out;
}

/** Go's fmt.Sprint: operands separated by a space when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, index) => {
    const isString = typeof arg === 'string';
    const previousIsString = index > 0 && typeof args[index - 1] === 'string';
    if (index > 0 && !isString && !previousIsString) out += ' ';
    out += formatArg(arg, 'v');
  });
  return out;
}

/** Go's fmt.Sprintln: operands always separated by a space, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((arg) => formatArg(arg, 'v')).join(' ')}\n`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  return `${goTypeName(value)}=${formatArg(value, 'v')}`;
}

function asInt(value: unknown): number | undefined {
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
