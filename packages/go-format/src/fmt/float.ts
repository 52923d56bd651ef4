/**
 * Go's strconv.FormatFloat for float64 in the 'e', 'f' and 'g' formats, so numbers print
 * the way docker-machine printed them (`%v` of 1e6 is `1e+06`, not `1000000`).
 */

export type FloatFormat = 'e' | 'f' | 'g';

interface Decimal {
  /** Significant digits without leading or trailing zeros ("" for zero). */
  digits: string;
  /** Position of the decimal point relative to the start of `digits`. */
  point: number;
}

/** `precision` -1 means the shortest text that reads back as the same number. */
export function formatGoFloat(value: number, format: FloatFormat, precision: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  const negative = value < 0 || Object.is(value, -0);
  const body = formatMagnitude(Math.abs(value), format, precision);
  return negative ? `-${body}` : body;
}

function formatMagnitude(abs: number, format: FloatFormat, precision: number): string {
  const shortest = precision < 0;
  switch (format) {
    case 'e': {
      const dec = shortest ? toDecimal(abs) : roundedDecimal(abs, precision + 1);
      return formatE(dec, shortest ? Math.max(dec.digits.length - 1, 0) : precision);
    }
    case 'f': {
      if (shortest) {
        const dec = toDecimal(abs);
        return formatF(dec, Math.max(dec.digits.length - dec.point, 0));
      }
      return formatF(fixedDecimal(abs, precision), precision);
    }
    case 'g': {
      let prec = precision === 0 ? 1 : precision;
      const dec = shortest ? toDecimal(abs) : roundedDecimal(abs, prec);
      let eprec = prec;
      if (shortest) {
        eprec = 6;
        prec = dec.digits.length;
      } else if (eprec > dec.digits.length && dec.digits.length >= dec.point) {
        eprec = dec.digits.length;
      }
      const exp = dec.point - 1;
      if (dec.digits === '' || !(exp < -4 || exp >= eprec)) {
        const fracPrec = prec > dec.point ? dec.digits.length : prec;
        return formatF(dec, Math.max(fracPrec - dec.point, 0));
      }
      return formatE(dec, Math.min(prec, dec.digits.length) - 1);
    }
  }
}

/** Shortest round-trip digits, as JavaScript's own number printing produces them. */
function toDecimal(abs: number): Decimal {
  if (abs === 0) return { digits: '', point: 0 };
  return parseExponential(abs.toExponential());
}

/** Rounded to `significant` digits, half to even on the exact binary value, as Go rounds. */
function roundedDecimal(abs: number, significant: number): Decimal {
  return roundDecimal(exactDecimal(abs), significant);
}

function fixedDecimal(abs: number, fraction: number): Decimal {
  const exact = exactDecimal(abs);
  return roundDecimal(exact, exact.point + fraction);
}

/** Every digit of a double: mantissa × 2^exponent, expanded with BigInt. */
function exactDecimal(abs: number): Decimal {
  if (abs === 0) return { digits: '', point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  if (exponent >= 0) {
    const text = (mantissa << BigInt(exponent)).toString();
    return trimDecimal(text, text.length);
  }
  const text = (mantissa * 5n ** BigInt(-exponent)).toString();
  return trimDecimal(text, text.length + exponent);
}

function roundDecimal(dec: Decimal, keep: number): Decimal {
  const { digits, point } = dec;
  if (keep < 0) return { digits: '', point: 0 };
  if (keep >= digits.length) return dec;
  const next = digits[keep] ?? '0';
  const exactlyHalf = next === '5' && keep + 1 === digits.length;
  const previousOdd = keep > 0 && Number(digits[keep - 1]) % 2 === 1;
  const roundUp = exactlyHalf ? previousOdd : next >= '5';
  if (!roundUp) return trimDecimal(digits.slice(0, keep), point);
  const raised = (BigInt(digits.slice(0, keep) || '0') + 1n).toString();
  if (keep === 0) return { digits: '1', point: point + 1 };
  const carried = raised.length > keep;
  return trimDecimal(raised, point + (carried ? 1 : 0));
}

function parseExponential(text: string): Decimal {
  const [mantissa = '', exponent = '0'] = text.split('e');
  return trimDecimal(mantissa.replace('.', ''), Number(exponent) + 1);
}

function trimDecimal(raw: string, point: number): Decimal {
  let digits = raw;
  let p = point;
  while (digits.startsWith('0')) {
    digits = digits.slice(1);
    p -= 1;
  }
  digits = digits.replace(/0+$/, '');
  return digits === '' ? { digits: '', point: 0 } : { digits, point: p };
}

function formatE(dec: Decimal, fraction: number): string {
  const first = dec.digits[0] ?? '0';
  let out = first;
  if (fraction > 0) out += `.${(dec.digits.slice(1) + '0'.repeat(fraction)).slice(0, fraction)}`;
  const exp = dec.digits === '' ? 0 : dec.point - 1;
  const sign = exp < 0 ? '-' : '+';
  const absExp = String(Math.abs(exp)).padStart(2, '0');
  return `${out}e${sign}${absExp}`;
}

function formatF(dec: Decimal, fraction: number): string {
  let intPart: string;
  if (dec.point <= 0) intPart = '0';
  else intPart = (dec.digits + '0'.repeat(Math.max(dec.point - dec.digits.length, 0))).slice(0, dec.point);
  if (fraction <= 0) return intPart;
  let frac = '';
  for (let i = 0; i < fraction; i++) {
    const index = dec.point + i;
    frac += index >= 0 && index < dec.digits.length ? dec.digits[index] : '0';
  }
  return `${intPart}.${frac}`;
}
