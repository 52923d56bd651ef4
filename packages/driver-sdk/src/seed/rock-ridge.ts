import { ascii, putBothEndian32 } from './iso9660-encoding.js';

/**
 * System Use entries (SUSP 1.10) carrying Rock Ridge (RRIP 1.10, "RRIP_1991A") in the primary
 * directory records, as genisoimage -rock writes them: SP and a CE pointing at the ER in the root's
 * "." record, then RR, PX and NM. Linux takes a volume for Rock Ridge only once it has read the ER
 * (and then prefers it to Joliet), and the ER (237 bytes) does not fit in a directory record
 * (255 bytes at most) beside the rest, hence the continuation area.
 *
 * Every entry is: signature (2 bytes), length of the whole entry, version 1, then its data.
 */

const RRIP_ID = 'RRIP_1991A';
const RRIP_DESCRIPTOR = 'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS';
const RRIP_SOURCE =
  'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.';

/** POSIX modes: a read-only directory and read-only regular files, owned by root (genisoimage -r). */
export const DIRECTORY_MODE = 0o040555;
export const FILE_MODE = 0o100444;

/** RR entry flags: which RRIP entries the record holds. */
const RR_PX = 0x01;
const RR_NM = 0x08;

function entry(signature: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + data.length);
  bytes.set(ascii(signature), 0);
  bytes[2] = bytes.length;
  bytes[3] = 1;
  bytes.set(data, 4);
  return bytes;
}

/** SP: "SUSP is used here", check bytes BE EF, no bytes skipped. First in the root's "." record. */
export function spEntry(): Uint8Array {
  return entry('SP', Uint8Array.of(0xbe, 0xef, 0));
}

/** CE: the rest of this record's System Use entries are `length` bytes at `sector`, offset 0. */
export function ceEntry(sector: number, length: number): Uint8Array {
  const data = new Uint8Array(24);
  putBothEndian32(data, 0, sector);
  putBothEndian32(data, 8, 0);
  putBothEndian32(data, 16, length);
  return entry('CE', data);
}

/** ER: names the extension (RRIP 1.10) that the System Use entries of this volume follow. */
export function erEntry(): Uint8Array {
  const id = ascii(RRIP_ID);
  const descriptor = ascii(RRIP_DESCRIPTOR);
  const source = ascii(RRIP_SOURCE);
  const data = new Uint8Array(4 + id.length + descriptor.length + source.length);
  data.set([id.length, descriptor.length, source.length, 1], 0);
  data.set(id, 4);
  data.set(descriptor, 4 + id.length);
  data.set(source, 4 + id.length + descriptor.length);
  return entry('ER', data);
}

/** RR (RRIP 1.09/1.10): flags saying which entries follow; Linux stops reading a record without PX, TF, SL or CL. */
export function rrEntry(withName: boolean): Uint8Array {
  return entry('RR', Uint8Array.of(RR_PX | (withName ? RR_NM : 0)));
}

/** PX: mode, link count, uid, gid (the 36-byte RRIP 1.10 form, without a serial number). */
export function pxEntry(mode: number, links: number): Uint8Array {
  const data = new Uint8Array(32);
  putBothEndian32(data, 0, mode);
  putBothEndian32(data, 8, links);
  putBothEndian32(data, 16, 0);
  putBothEndian32(data, 24, 0);
  return entry('PX', data);
}

/** NM: the file's real name (flags 0: complete, not "." or ".."). */
export function nmEntry(name: string): Uint8Array {
  const data = new Uint8Array(1 + name.length);
  data.set(ascii(name), 1);
  return entry('NM', data);
}
