import { randomBytes } from 'node:crypto';

/**
 * The 512-byte footer that ends every VHD file, for a fixed disk (the data, then this footer), as
 * the public Virtual Hard Disk Image Format Specification lays it out. A fixed VHD is what
 * Hyper-V's Convert-VHD takes as its source; no npm library writes one.
 */

export const VHD_FOOTER_SIZE = 512;
/** The largest fixed VHD the format allows (2040 GiB): its CHS geometry tops out there. */
export const VHD_MAX_SIZE = 2040 * 1024 ** 3;
const COOKIE = 'conectix';
/** Bit 1 is reserved and must be set. */
const FEATURES = 0x0000_0002;
const FORMAT_VERSION = 0x0001_0000;
/** Fixed disks have no dynamic header: all ones. */
const NO_DATA_OFFSET = 0xffff_ffff_ffff_ffffn;
const DISK_TYPE_FIXED = 2;
/** Who wrote the file (four characters) and its version. */
const CREATOR_APP = 'brth';
const CREATOR_VERSION = 0x0001_0000;
/** "Wi2k": the files are for Hyper-V on Windows. */
const CREATOR_HOST_WINDOWS = 0x5769_326b;
/** The format's epoch: 2000-01-01T00:00:00Z. */
const VHD_EPOCH_MS = Date.UTC(2000, 0, 1);

export interface DiskGeometry {
  cylinders: number;
  heads: number;
  sectorsPerTrack: number;
}

/** The CHS geometry the specification's algorithm gives a disk of `sizeBytes`. */
export function vhdGeometry(sizeBytes: number): DiskGeometry {
  let totalSectors = Math.floor(sizeBytes / 512);
  if (totalSectors > 65535 * 16 * 255) totalSectors = 65535 * 16 * 255;
  let sectorsPerTrack: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (totalSectors >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
  }
  return { cylinders: Math.floor(cylinderTimesHeads / heads), heads, sectorsPerTrack };
}

/** The ones' complement of the byte sum, the checksum field being zero while summing. */
export function vhdChecksum(footer: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < footer.length; i++) if (i < 64 || i >= 68) sum += footer[i] as number;
  return ~sum >>> 0;
}

export interface FixedVhdFooterOptions {
  /** Recorded in the footer (now by default). */
  date?: Date;
  /** The disk's unique id (random by default). */
  uniqueId?: Uint8Array;
}

/** The footer of a fixed VHD whose data is `sizeBytes` long (a multiple of 512). */
export function fixedVhdFooter(sizeBytes: number, options: FixedVhdFooterOptions = {}): Buffer {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % 512 !== 0) {
    throw new RangeError(`a VHD's size must be a positive multiple of 512 bytes, not ${sizeBytes}`);
  }
  if (sizeBytes > VHD_MAX_SIZE) throw new RangeError(`a VHD holds at most ${VHD_MAX_SIZE} bytes, not ${sizeBytes}`);
  const footer = Buffer.alloc(VHD_FOOTER_SIZE);
  footer.write(COOKIE, 0, 'latin1');
  footer.writeUInt32BE(FEATURES, 8);
  footer.writeUInt32BE(FORMAT_VERSION, 12);
  footer.writeBigUInt64BE(NO_DATA_OFFSET, 16);
  const seconds = Math.max(0, Math.floor(((options.date ?? new Date()).getTime() - VHD_EPOCH_MS) / 1000));
  footer.writeUInt32BE(seconds >>> 0, 24);
  footer.write(CREATOR_APP, 28, 'latin1');
  footer.writeUInt32BE(CREATOR_VERSION, 32);
  footer.writeUInt32BE(CREATOR_HOST_WINDOWS, 36);
  footer.writeBigUInt64BE(BigInt(sizeBytes), 40);
  footer.writeBigUInt64BE(BigInt(sizeBytes), 48);
  const geometry = vhdGeometry(sizeBytes);
  footer.writeUInt16BE(geometry.cylinders, 56);
  footer.writeUInt8(geometry.heads, 58);
  footer.writeUInt8(geometry.sectorsPerTrack, 59);
  footer.writeUInt32BE(DISK_TYPE_FIXED, 60);
  const id = options.uniqueId ?? randomBytes(16);
  if (id.length !== 16) throw new RangeError('a VHD unique id is 16 bytes');
  footer.set(id, 68);
  // Byte 84 (saved state) and the reserved rest stay zero.
  footer.writeUInt32BE(vhdChecksum(footer), 64);
  return footer;
}

export interface ParsedVhdFooter {
  cookie: string;
  diskType: number;
  currentSize: number;
  originalSize: number;
  geometry: DiskGeometry;
  checksumValid: boolean;
}

/** Reads a footer back (tests, and a check that a file is a finished VHD). */
export function parseVhdFooter(footer: Uint8Array): ParsedVhdFooter {
  const buffer = Buffer.from(footer.buffer, footer.byteOffset, footer.byteLength);
  if (buffer.length !== VHD_FOOTER_SIZE) throw new RangeError(`a VHD footer is ${VHD_FOOTER_SIZE} bytes`);
  return {
    cookie: buffer.toString('latin1', 0, 8),
    originalSize: Number(buffer.readBigUInt64BE(40)),
    currentSize: Number(buffer.readBigUInt64BE(48)),
    geometry: {
      cylinders: buffer.readUInt16BE(56),
      heads: buffer.readUInt8(58),
      sectorsPerTrack: buffer.readUInt8(59),
    },
    diskType: buffer.readUInt32BE(60),
    checksumValid: buffer.readUInt32BE(64) === vhdChecksum(buffer),
  };
}
