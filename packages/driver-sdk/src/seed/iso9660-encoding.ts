/**
 * The field encodings of ECMA-119 section 7 and 8.4.26: numbers recorded in both byte orders,
 * space-padded identifiers, and the two date formats. Joliet identifiers are UCS-2 big-endian.
 */

export const SECTOR_SIZE = 2048;

/** 7.2.3: a 16-bit number, little-endian then big-endian (4 bytes). */
export function putBothEndian16(target: Uint8Array, offset: number, value: number): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint16(offset, value, true);
  view.setUint16(offset + 2, value, false);
}

/** 7.3.3: a 32-bit number, little-endian then big-endian (8 bytes). */
export function putBothEndian32(target: Uint8Array, offset: number, value: number): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint32(offset, value, true);
  view.setUint32(offset + 4, value, false);
}

export function putUint32(target: Uint8Array, offset: number, value: number, littleEndian: boolean): void {
  new DataView(target.buffer, target.byteOffset, target.byteLength).setUint32(offset, value, littleEndian);
}

export function putUint16(target: Uint8Array, offset: number, value: number, littleEndian: boolean): void {
  new DataView(target.buffer, target.byteOffset, target.byteLength).setUint16(offset, value, littleEndian);
}

/** An identifier field of `length` bytes: the text in ASCII, then spaces (8.4: a- and d-characters). */
export function putAsciiField(target: Uint8Array, offset: number, length: number, text: string): void {
  target.fill(0x20, offset, offset + length);
  for (let i = 0; i < text.length && i < length; i++) target[offset + i] = text.charCodeAt(i);
}

/** The same field in a Joliet descriptor: UCS-2 big-endian, padded with U+0020; a field of odd length ends in one 0x20 byte. */
export function putUcs2Field(target: Uint8Array, offset: number, length: number, text: string): void {
  for (let i = 0; i + 1 < length; i += 2) {
    const code = i / 2 < text.length ? text.charCodeAt(i / 2) : 0x20;
    putUint16(target, offset + i, code, false);
  }
  if (length % 2 === 1) target[offset + length - 1] = 0x20;
}

/** UCS-2 big-endian bytes of `text` (BMP characters only; the names are checked before). */
export function ucs2(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) putUint16(bytes, i * 2, text.charCodeAt(i), false);
  return bytes;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** 9.1.5: the 7-byte recording date of a directory record, in UTC (offset 0). */
export function directoryRecordDate(date: Date): Uint8Array {
  return Uint8Array.of(
    date.getUTCFullYear() - 1900,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    0,
  );
}

/** 8.4.26.1: the 17-byte volume descriptor date, "YYYYMMDDHHMMSScc" then the UTC offset; undefined = "not specified". */
export function volumeDescriptorDate(date: Date | undefined): Uint8Array {
  const field = new Uint8Array(17);
  if (date === undefined) {
    field.fill(0x30, 0, 16);
    return field;
  }
  const two = (n: number) => String(n).padStart(2, '0');
  const text =
    String(date.getUTCFullYear()).padStart(4, '0') +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    two(Math.floor(date.getUTCMilliseconds() / 10));
  field.set(ascii(text), 0);
  return field;
}

export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR_SIZE);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
