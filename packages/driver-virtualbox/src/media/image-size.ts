import { open } from 'node:fs/promises';

const MIB = 1024 * 1024;

/**
 * The size of the disk an image holds, in bytes, read from its header: qcow2 (`QFI\xfb`, size at
 * byte 24, big-endian) and sparse VMDK (`KDMV`, capacity in 512-byte sectors at byte 12,
 * little-endian). Undefined for other formats (VirtualBox judges those itself).
 */
export async function imageVirtualSize(path: string): Promise<number | undefined> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(32);
    const { bytesRead } = await file.read(header, 0, header.length, 0);
    if (bytesRead < 32) return undefined;
    if (header.readUInt32BE(0) === 0x514649fb) return Number(header.readBigUInt64BE(24));
    if (header.toString('latin1', 0, 4) === 'KDMV') return Number(header.readBigUInt64LE(12)) * 512;
    return undefined;
  } finally {
    await file.close();
  }
}

/** Bytes as whole MB, rounded up (the unit of --virtualbox-disk-size). */
export const toMegabytes = (bytes: number): number => Math.ceil(bytes / MIB);
