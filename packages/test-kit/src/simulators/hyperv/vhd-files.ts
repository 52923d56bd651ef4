import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { pathExists as exists } from '../../files/file-checks.js';
import { fileExists, fileNotFound, notAVirtualDisk } from './hyperv-errors.js';

/**
 * The VHD files the simulated host's cmdlets make and read. A fixed VHD is the raw disk followed
 * by a 512-byte footer whose cookie is `conectix` (so a driver can write a tar at offset 0 of
 * New-VHD's file, reference §2.2); a VHDX starts with the file type identifier `vhdxfile`.
 */
export const VHD_FOOTER_SIZE = 512;
const VHD_COOKIE = 'conectix';
/** Seconds from the Unix epoch to the VHD epoch (2000-01-01T00:00:00Z). */
const VHD_EPOCH = 946_684_800;

/** A VHD footer (the format Microsoft publishes), for a disk of `sizeBytes` of type fixed (2) or dynamic (3). */
export function vhdFooter(sizeBytes: number, diskType: 2 | 3, uniqueId: Buffer = randomBytes(16)): Buffer {
  const footer = Buffer.alloc(VHD_FOOTER_SIZE);
  footer.write(VHD_COOKIE, 0, 'ascii');
  footer.writeUInt32BE(2, 8); // features: reserved bit always set
  footer.writeUInt32BE(0x0001_0000, 12); // format version 1.0
  footer.writeBigUInt64BE(diskType === 2 ? 0xffff_ffff_ffff_ffffn : 512n, 16); // data offset
  footer.writeUInt32BE(Math.max(0, Math.floor(Date.now() / 1000) - VHD_EPOCH), 24);
  footer.write('win ', 28, 'ascii'); // creator application (Hyper-V)
  footer.writeUInt32BE(0x000a_0000, 32);
  footer.write('Wi2k', 36, 'ascii');
  footer.writeBigUInt64BE(BigInt(sizeBytes), 40); // original size
  footer.writeBigUInt64BE(BigInt(sizeBytes), 48); // current size
  footer.writeUInt32BE(chsGeometry(sizeBytes), 56);
  footer.writeUInt32BE(diskType, 60);
  uniqueId.copy(footer, 68);
  let sum = 0;
  for (const byte of footer) sum += byte;
  footer.writeUInt32BE(~sum >>> 0, 64);
  return footer;
}

/** The footer's cylinder/heads/sectors field, by the algorithm of the VHD specification. */
function chsGeometry(sizeBytes: number): number {
  let sectors = Math.min(Math.floor(sizeBytes / 512), 65535 * 16 * 255);
  let perTrack: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (sectors >= 65535 * 16 * 63) {
    perTrack = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(sectors / perTrack);
  } else {
    perTrack = 17;
    cylinderTimesHeads = Math.floor(sectors / perTrack);
    heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      perTrack = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(sectors / perTrack);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      perTrack = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(sectors / perTrack);
    }
  }
  sectors = perTrack;
  const cylinders = Math.min(65535, Math.floor(cylinderTimesHeads / heads));
  return ((cylinders << 16) | (heads << 8) | sectors) >>> 0;
}

export interface CreatedVhd {
  fileSize: number;
  diskIdentifier: string;
}

/** New-VHD -Fixed: `sizeBytes` of zeros (sparse) and the footer. */
export async function createFixedVhd(path: string, sizeBytes: number): Promise<CreatedVhd> {
  if (await exists(path)) throw fileExists('New-VHD', path);
  const id = randomBytes(16);
  const handle = await open(path, 'wx').catch(() => {
    throw fileNotFound('New-VHD', path);
  });
  try {
    await handle.truncate(sizeBytes);
    await handle.write(vhdFooter(sizeBytes, 2, id), 0, VHD_FOOTER_SIZE, sizeBytes);
  } finally {
    await handle.close();
  }
  const hex = id.toString('hex').toUpperCase();
  const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { fileSize: sizeBytes + VHD_FOOTER_SIZE, diskIdentifier: guid };
}

/** The disk size a VHD's footer states, or undefined when its last 512 bytes are no VHD footer. */
export async function readVhdFooterSize(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < VHD_FOOTER_SIZE) return undefined;
    const footer = Buffer.alloc(VHD_FOOTER_SIZE);
    await handle.read(footer, 0, VHD_FOOTER_SIZE, size - VHD_FOOTER_SIZE);
    if (footer.toString('ascii', 0, 8) !== VHD_COOKIE) return undefined;
    return Number(footer.readBigUInt64BE(48));
  } finally {
    await handle.close();
  }
}

/** What a VHDX written by the simulator begins with: the file type identifier and its creator. */
function vhdxHeader(): Buffer {
  const header = Buffer.alloc(64 * 1024);
  header.write('vhdxfile', 0, 'ascii');
  header.write('Berth test kit Hyper-V simulator', 8, 'utf16le');
  return header;
}

export interface ConvertedVhd {
  format: 'VHD' | 'VHDX';
  sizeBytes: number;
}

/**
 * Convert-VHD -DeleteSource. To `.vhdx`: a file that starts `vhdxfile` (the disk's contents are not
 * carried: a guest boots from its container, not from this file). To `.vhd`: the source renamed,
 * footer and all, which keeps a boot2docker tar at offset 0 where the guest module reads it
 * (a real dynamic VHD would have its own block layout).
 */
export async function convertVhd(source: string, destination: string, deleteSource: boolean): Promise<ConvertedVhd> {
  if (!(await exists(source))) throw fileNotFound('Convert-VHD', source);
  if (await exists(destination)) throw fileExists('Convert-VHD', destination);
  const sizeBytes = await readVhdFooterSize(source);
  if (sizeBytes === undefined) throw notAVirtualDisk('Convert-VHD', source);
  if (destination.toLowerCase().endsWith('.vhdx')) {
    const handle = await open(destination, 'wx').catch(() => {
      throw fileNotFound('Convert-VHD', destination);
    });
    try {
      await handle.write(vhdxHeader());
    } finally {
      await handle.close();
    }
    if (deleteSource) await unlink(source);
    return { format: 'VHDX', sizeBytes };
  }
  if (!deleteSource) throw new Error('the simulator converts VHD to VHD only with -DeleteSource');
  await rename(source, destination).catch(() => {
    throw fileNotFound('Convert-VHD', destination);
  });
  return { format: 'VHD', sizeBytes };
}
