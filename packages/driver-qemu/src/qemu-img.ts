import { InternalError, InvalidFlagError } from '@berth/driver-protocol';
import { runTool } from './run-tool.js';

const QEMU_IMG_TIMEOUT_MS = 120_000;
const MB = 1024 * 1024;

export interface ImageInfo {
  format: string;
  virtualSize: number;
}

async function qemuImg(qemuImgPath: string, args: string[], signal?: AbortSignal): Promise<string> {
  const result = await runTool(qemuImgPath, args, { timeoutMs: QEMU_IMG_TIMEOUT_MS, signal });
  if (result.code !== 0) {
    signal?.throwIfAborted();
    const why = result.stderr.trim() || (result.signal ? `killed by ${result.signal}` : `exit status ${result.code}`);
    throw new InternalError(`qemu-img ${args[0]} failed: ${why}`, {
      data: { command: [qemuImgPath, ...args], stderr: result.stderr },
    });
  }
  return result.stdout;
}

/** Format and virtual size of a disk image, from `qemu-img info --output=json`. */
export async function imageInfo(qemuImgPath: string, path: string, signal?: AbortSignal): Promise<ImageInfo> {
  const parsed = JSON.parse(await qemuImg(qemuImgPath, ['info', '--output=json', path], signal)) as {
    format?: unknown;
    'virtual-size'?: unknown;
  };
  if (typeof parsed.format !== 'string' || typeof parsed['virtual-size'] !== 'number') {
    throw new InternalError(`qemu-img info gave no format or size for ${path}`);
  }
  return { format: parsed.format, virtualSize: parsed['virtual-size'] };
}

/**
 * A qcow2 overlay on the (shared, read-only) base image, of `sizeMb`: the base is never written;
 * the guest's writes go to the overlay only. A size below the base image's would cut its file
 * system off, so that is refused.
 */
export async function createOverlay(
  qemuImgPath: string,
  options: { base: string; overlay: string; sizeMb: number; signal?: AbortSignal },
): Promise<ImageInfo> {
  const base = await imageInfo(qemuImgPath, options.base, options.signal);
  if (options.sizeMb * MB < base.virtualSize) {
    throw new InvalidFlagError(
      `--qemu-disk-size ${options.sizeMb} MB is smaller than the base image (${Math.ceil(base.virtualSize / MB)} MB)`,
      {
        actions: [`Give --qemu-disk-size ${Math.ceil(base.virtualSize / MB)} or more.`],
        data: { flag: 'qemu-disk-size' },
      },
    );
  }
  await qemuImg(
    qemuImgPath,
    ['create', '-f', 'qcow2', '-F', base.format, '-b', options.base, options.overlay, `${options.sizeMb}M`],
    options.signal,
  );
  return base;
}
