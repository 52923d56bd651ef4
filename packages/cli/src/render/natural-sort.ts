/**
 * The ordering docker-machine's `ls` used for machine names (lower-cased first by the
 * caller): spaces ignored, runs of digits compared as numbers and placed before text,
 * text compared byte-wise, and a shorter name first when one is a prefix of the other.
 */
export function compareNatural(a: string, b: string): number {
  const left = chunks(a);
  const right = chunks(b);
  for (let i = 0; i < left.length && i < right.length; i++) {
    const x = left[i] ?? '';
    const y = right[i] ?? '';
    if (x === y) continue;
    const xNumber = isDigit(x);
    const yNumber = isDigit(y);
    if (xNumber && yNumber) return compareNumbers(x, y);
    if (xNumber !== yNumber) return xNumber ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Buffer.byteLength(a) - Buffer.byteLength(b);
}

function chunks(text: string): string[] {
  return text.replaceAll(' ', '').match(/\d+|\D+/g) ?? [];
}

function isDigit(chunk: string): boolean {
  return chunk[0] !== undefined && chunk[0] >= '0' && chunk[0] <= '9';
}

/** By value (length once leading zeros are gone, then digits); fewer leading zeros first. */
function compareNumbers(x: string, y: string): number {
  const a = x.replace(/^0+/, '');
  const b = y.replace(/^0+/, '');
  if (a.length !== b.length) return a.length - b.length;
  if (a !== b) return a < b ? -1 : 1;
  return x.length - y.length;
}
