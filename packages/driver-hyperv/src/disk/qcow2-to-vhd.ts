import { type FileHandle, open } from 'node:fs/promises';
import { isQcow2, Qcow2FormatError, readQcow2Data, readQcow2Header } from './qcow2-reader.js';
import { fixedVhdFooter, VHD_MAX_SIZE } from './vhd-footer.js';

/** The disk asked for is smaller than the image's disk. */
export class DiskTooSmallError extends Error {
  constructor(
    readonly requestedBytes: number,
    readonly imageBytes: number,
  ) {
    super(`a ${requestedBytes}-byte disk cannot hold the image's ${imageBytes}-byte disk`);
    this.name = 'DiskTooSmallError';
  }
}

export interface FixedVhdResult {
  /** The image's own disk size (bytes). */
  imageSize: number;
  /** Guest bytes that held data and were written; the rest of the file is holes. */
  dataBytes: number;
}

export interface ConvertOptions {
  signal?: AbortSignal;
}

/**
 * Writes the qcow2 image `source` as a fixed VHD `target` of `sizeBytes` of disk: the image's data
 * at its guest offsets, zeros as holes (the file is sparse where the file system allows it), the
 * rest of the disk empty, then the 512-byte footer. Clusters that hold only zeros are not written.
 */
export async function convertQcow2ToFixedVhd(
  source: string,
  target: string,
  sizeBytes: number,
  options: ConvertOptions = {},
): Promise<FixedVhdResult> {
  if (sizeBytes % 512 !== 0 || sizeBytes <= 0 || sizeBytes > VHD_MAX_SIZE) {
    throw new RangeError(`a fixed VHD's disk must be a multiple of 512 bytes up to ${VHD_MAX_SIZE}, not ${sizeBytes}`);
  }
  const input = await open(source, 'r');
  try {
    if (!(await isQcow2(input))) throw new Qcow2FormatError('the image is not a qcow2 file (no QFI\\xfb magic)');
    const header = await readQcow2Header(input);
    if (header.virtualSize > sizeBytes) throw new DiskTooSmallError(sizeBytes, header.virtualSize);
    const output = await open(target, 'w', 0o600);
    let dataBytes = 0;
    try {
      const zeros = Buffer.alloc(header.clusterSize);
      for await (const { offset, data } of readQcow2Data(input, header, options)) {
        // Write only the clusters that hold something (runs of them in one call): holes stay holes.
        let run = -1;
        const flush = async (end: number) => {
          if (run < 0) return;
          await writeAll(output, data.subarray(run, end), offset + run);
          dataBytes += end - run;
          run = -1;
        };
        for (let at = 0; at < data.length; at += header.clusterSize) {
          const piece = data.subarray(at, at + header.clusterSize);
          if (piece.equals(zeros.subarray(0, piece.length))) await flush(at);
          else if (run < 0) run = at;
        }
        await flush(data.length);
      }
      options.signal?.throwIfAborted();
      await output.truncate(sizeBytes);
      await writeAll(output, fixedVhdFooter(sizeBytes), sizeBytes);
    } finally {
      await output.close();
    }
    return { imageSize: header.virtualSize, dataBytes };
  } finally {
    await input.close();
  }
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** The disk size of a qcow2 image, for checks before anything is written. */
export async function qcow2VirtualSize(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    return (await readQcow2Header(handle)).virtualSize;
  } finally {
    await handle.close();
  }
}
