import type { FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';

/**
 * A streaming reader of qcow2 images (versions 2 and 3), enough to turn a cloud image into a raw
 * disk: the header, the active L1/L2 tables, uncompressed clusters and deflate-compressed ones.
 * Hyper-V cannot read qcow2 and no maintained npm library reads it, so this is ours; it follows the
 * qcow2 format as qemu documents it (docs/interop/qcow2.txt). Images with a backing file,
 * encryption, an external data file, extended L2 entries or zstd compression are refused with a
 * message saying how to make a plain one.
 */

const inflate = promisify(inflateRaw);

/** "QFI\xfb" */
const QCOW2_MAGIC = 0x514649fb;
/** Header bytes every version has (v2's whole header). */
const V2_HEADER_BYTES = 72;
/** Incompatible feature bits (header offset 72, v3). */
const INCOMPAT_DIRTY = 1n << 0n;
const INCOMPAT_CORRUPT = 1n << 1n;
const INCOMPAT_EXTERNAL_DATA = 1n << 2n;
const INCOMPAT_COMPRESSION_TYPE = 1n << 3n;
const INCOMPAT_EXTENDED_L2 = 1n << 4n;
const KNOWN_INCOMPAT =
  INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_EXTERNAL_DATA | INCOMPAT_COMPRESSION_TYPE | INCOMPAT_EXTENDED_L2;

/** Bits 9-55 of an L1 entry or a standard L2 entry: the host offset of the table or cluster. */
const OFFSET_MASK = 0x00ff_ffff_ffff_fe00n;
/** Bit 62 of an L2 entry: the cluster is compressed. */
const COMPRESSED_FLAG = 1n << 62n;
/** Bit 0 of a standard L2 entry (v3): the cluster reads as zeros. */
const ZERO_FLAG = 1n;
const SECTOR = 512;
/** Decompressions run at once: enough to keep zlib's thread pool busy on two cores. */
const INFLATE_CONCURRENCY = 4;

/** Why an image cannot be read; the message says what to do. */
export class Qcow2FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Qcow2FormatError';
  }
}

export interface Qcow2Header {
  version: 2 | 3;
  clusterBits: number;
  clusterSize: number;
  /** The guest disk's size in bytes. */
  virtualSize: number;
  l1Size: number;
  l1TableOffset: number;
  /** Whether the image was not closed cleanly (its refcounts may be stale; its data is still good). */
  dirty: boolean;
}

/** A run of guest bytes that hold data (everything else reads as zeros). */
export interface GuestData {
  /** Byte offset in the guest disk. */
  offset: number;
  data: Buffer;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Qcow2FormatError(`the image's ${what} is too large`);
  return Number(value);
}

/** Whether the file starts with the qcow2 magic. */
export async function isQcow2(handle: FileHandle): Promise<boolean> {
  const start = await readAt(handle, 0, 4);
  return start.length === 4 && start.readUInt32BE(0) === QCOW2_MAGIC;
}

/** Reads and checks the header; refuses what this reader cannot turn into a raw disk. */
export async function readQcow2Header(handle: FileHandle): Promise<Qcow2Header> {
  const head = await readAt(handle, 0, 112);
  if (head.length < V2_HEADER_BYTES || head.readUInt32BE(0) !== QCOW2_MAGIC) {
    throw new Qcow2FormatError('the image is not a qcow2 file (no QFI\\xfb magic)');
  }
  const version = head.readUInt32BE(4);
  if (version !== 2 && version !== 3) {
    throw new Qcow2FormatError(`qcow2 version ${version} is not supported (only 2 and 3)`);
  }
  const backingFileOffset = head.readBigUInt64BE(8);
  if (backingFileOffset !== 0n) {
    const length = head.readUInt32BE(16);
    const name = (await readAt(handle, safeNumber(backingFileOffset, 'backing file offset'), Math.min(length, 1023)))
      .toString('utf8')
      .trim();
    throw new Qcow2FormatError(
      `the image has a backing file (${name || 'unnamed'}); give a self-contained image (qemu-img convert -O qcow2 <image> <new image>)`,
    );
  }
  const clusterBits = head.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21) throw new Qcow2FormatError(`cluster_bits ${clusterBits} is out of range`);
  const virtualSize = safeNumber(head.readBigUInt64BE(24), 'virtual size');
  if (head.readUInt32BE(32) !== 0) {
    throw new Qcow2FormatError('the image is encrypted; give an unencrypted image');
  }
  const l1Size = head.readUInt32BE(36);
  const l1TableOffset = safeNumber(head.readBigUInt64BE(40), 'L1 table offset');
  let dirty = false;
  if (version === 3) {
    if (head.length < 104) throw new Qcow2FormatError('the qcow2 v3 header is truncated');
    const incompatible = head.readBigUInt64BE(72);
    const headerLength = head.readUInt32BE(100);
    if (incompatible & ~KNOWN_INCOMPAT) {
      throw new Qcow2FormatError(
        `the image uses qcow2 features this reader does not know (0x${incompatible.toString(16)})`,
      );
    }
    if (incompatible & INCOMPAT_CORRUPT)
      throw new Qcow2FormatError('the image is marked corrupt (qemu-img check -r all)');
    if (incompatible & INCOMPAT_EXTERNAL_DATA) {
      throw new Qcow2FormatError('the image keeps its data in an external file; give a self-contained image');
    }
    if (incompatible & INCOMPAT_EXTENDED_L2) {
      throw new Qcow2FormatError(
        'the image uses extended L2 entries; convert it with qemu-img convert -O qcow2 -o extended_l2=off',
      );
    }
    const compressionType = headerLength > 104 && head.length > 104 ? head.readUInt8(104) : 0;
    if (incompatible & INCOMPAT_COMPRESSION_TYPE && compressionType !== 0) {
      throw new Qcow2FormatError(
        'the image is compressed with zstd; recompress it with qemu-img convert -c -O qcow2 -o compression_type=zlib',
      );
    }
    dirty = (incompatible & INCOMPAT_DIRTY) !== 0n;
  }
  const clusterSize = 2 ** clusterBits;
  const perL2 = clusterSize / 8;
  const needed = Math.ceil(virtualSize / (clusterSize * perL2));
  if (l1Size < needed) {
    throw new Qcow2FormatError(`the L1 table has ${l1Size} entries, too few for a ${virtualSize}-byte disk`);
  }
  return { version, clusterBits, clusterSize, virtualSize, l1Size, l1TableOffset, dirty };
}

/** What one L2 entry says about its guest cluster. */
type ClusterSource =
  | { kind: 'zero' }
  | { kind: 'data'; host: number }
  | { kind: 'compressed'; host: number; length: number };

function clusterSource(entry: bigint, header: Qcow2Header): ClusterSource {
  if (entry & COMPRESSED_FLAG) {
    // Compressed descriptor: the host offset in the low x bits, then the count of 512-byte
    // sectors it spans beyond the first one (x = 62 - (cluster_bits - 8)).
    const x = BigInt(62 - (header.clusterBits - 8));
    const host = Number(entry & ((1n << x) - 1n));
    const sectors = Number((entry >> x) & ((1n << (62n - x)) - 1n));
    return { kind: 'compressed', host, length: (sectors + 1) * SECTOR - (host % SECTOR) };
  }
  const host = Number(entry & OFFSET_MASK);
  if (host === 0 || entry & ZERO_FLAG) return { kind: 'zero' };
  if (host % header.clusterSize !== 0)
    throw new Qcow2FormatError(`a data cluster is misaligned (0x${host.toString(16)})`);
  return { kind: 'data', host };
}

async function decompress(handle: FileHandle, source: { host: number; length: number }, clusterSize: number) {
  const compressed = await readAt(handle, source.host, source.length);
  let data: Buffer;
  try {
    data = await inflate(compressed, { maxOutputLength: clusterSize });
  } catch (error) {
    throw new Qcow2FormatError(
      `a compressed cluster at 0x${source.host.toString(16)} does not inflate: ${(error as Error).message}`,
    );
  }
  if (data.length !== clusterSize) {
    throw new Qcow2FormatError(
      `a compressed cluster at 0x${source.host.toString(16)} inflates to ${data.length} bytes`,
    );
  }
  return data;
}

export interface ReadQcow2Options {
  signal?: AbortSignal;
}

/**
 * The guest disk's data, in guest order: one entry per allocated cluster (adjacent uncompressed
 * clusters stored adjacently are read as one run). Unallocated and zero clusters are skipped (a
 * reader without a backing file sees zeros there). The last cluster is cut at the virtual size.
 */
export async function* readQcow2Data(
  handle: FileHandle,
  header: Qcow2Header,
  options: ReadQcow2Options = {},
): AsyncGenerator<GuestData> {
  const { clusterSize, virtualSize } = header;
  const perL2 = clusterSize / 8;
  const l1Used = Math.ceil(virtualSize / (clusterSize * perL2));
  const l1 = await readAt(handle, header.l1TableOffset, l1Used * 8);
  if (l1.length < l1Used * 8) throw new Qcow2FormatError('the L1 table lies past the end of the file');
  for (let l1Index = 0; l1Index < l1Used; l1Index++) {
    options.signal?.throwIfAborted();
    const l2Offset = Number(l1.readBigUInt64BE(l1Index * 8) & OFFSET_MASK);
    if (l2Offset === 0) continue;
    const l2 = await readAt(handle, l2Offset, clusterSize);
    if (l2.length < clusterSize) throw new Qcow2FormatError('an L2 table lies past the end of the file');
    const base = l1Index * perL2 * clusterSize;
    const jobs: Array<{ offset: number; source: ClusterSource }> = [];
    for (let l2Index = 0; l2Index < perL2; l2Index++) {
      const offset = base + l2Index * clusterSize;
      if (offset >= virtualSize) break;
      const source = clusterSource(l2.readBigUInt64BE(l2Index * 8), header);
      if (source.kind !== 'zero') jobs.push({ offset, source });
    }
    yield* readClusters(handle, header, jobs, options.signal);
  }
}

/** Reads one L2 table's clusters: uncompressed runs in one read each, compressed ones a few at a time. */
async function* readClusters(
  handle: FileHandle,
  header: Qcow2Header,
  jobs: Array<{ offset: number; source: ClusterSource }>,
  signal: AbortSignal | undefined,
): AsyncGenerator<GuestData> {
  const { clusterSize, virtualSize } = header;
  const cut = (offset: number, data: Buffer): GuestData => ({
    offset,
    data: offset + data.length > virtualSize ? data.subarray(0, virtualSize - offset) : data,
  });
  let index = 0;
  while (index < jobs.length) {
    signal?.throwIfAborted();
    const first = jobs[index] as (typeof jobs)[number];
    if (first.source.kind === 'data') {
      // A run: guest-adjacent clusters stored host-adjacent, read at once (at most 4 MiB).
      let end = index + 1;
      while (end < jobs.length && (end - index) * clusterSize < 4 * 1024 * 1024) {
        const next = jobs[end] as (typeof jobs)[number];
        const previous = jobs[end - 1] as (typeof jobs)[number];
        if (next.source.kind !== 'data' || previous.source.kind !== 'data') break;
        if (next.offset !== previous.offset + clusterSize || next.source.host !== previous.source.host + clusterSize) {
          break;
        }
        end++;
      }
      const length = (end - index) * clusterSize;
      const data = await readAt(handle, first.source.host, length);
      if (data.length < length) {
        // The last cluster of a file may be cut short by an image writer; the rest reads as zeros.
        yield cut(first.offset, Buffer.concat([data, Buffer.alloc(length - data.length)]));
      } else {
        yield cut(first.offset, data);
      }
      index = end;
      continue;
    }
    let end = index;
    while (end < jobs.length && end - index < INFLATE_CONCURRENCY && jobs[end]?.source.kind === 'compressed') end++;
    const batch = jobs.slice(index, end);
    const inflated = await Promise.all(
      batch.map((job) => decompress(handle, job.source as Extract<ClusterSource, { kind: 'compressed' }>, clusterSize)),
    );
    for (const [i, data] of inflated.entries()) yield cut((batch[i] as (typeof batch)[number]).offset, data);
    index = end;
  }
}
