import { join } from 'node:path';
import { type CachedImage, type ImageRequest, InvalidFlagError } from '@berth/driver-protocol';
import { catalogueImages, ensureImage, findCatalogueImage, hostImageArch, type ProgressSink } from '../images/index.js';
import type { BerthContext } from './berth-context.js';

export interface MachineImageOptions {
  machineName: string;
  /** `--image-mirror`; when undefined, BERTH_IMAGE_MIRROR. */
  mirror?: string;
  /** Progress text: whole lines, or on a TTY pieces of docker-machine's `0%....10%....` line. */
  progress: ProgressSink;
  isTty?: boolean;
  signal?: AbortSignal;
}

/**
 * The image a local driver asked for (protocol 1.2), verified in the store's one cache
 * (`<store>/cache`), fetched first if it is not there. Every local driver shares the cache, so a
 * second machine of the same image costs no download.
 */
export async function fetchMachineImage(
  ctx: BerthContext,
  request: ImageRequest,
  options: MachineImageOptions,
): Promise<CachedImage> {
  const { url, checksum } = pinnedImage(request);
  const image = await ensureImage({
    url,
    checksum,
    cacheDir: join(ctx.store.root, 'cache'),
    ...(options.mirror ? { mirror: options.mirror } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: options.progress,
    isTty: options.isTty ?? false,
    linePrefix: `(${options.machineName}) `,
  });
  return { path: image.path, url, checksum };
}

/** A catalogue name resolved to its pinned URL and checksum; a URL with its checksum as given. */
function pinnedImage(request: ImageRequest): { url: string; checksum: string } {
  if (request.name === undefined) return { url: request.url as string, checksum: request.checksum as string };
  const arch = request.arch ?? hostImageArch();
  const found = arch === 'amd64' || arch === 'arm64' ? findCatalogueImage(request.name, arch) : undefined;
  if (found) return { url: found.url, checksum: found.checksum };
  const known = [...new Set(catalogueImages().map((image) => `${image.name} (${image.arch})`))].join(', ');
  throw new InvalidFlagError(`Berth's image catalogue has no image "${request.name}" for ${arch ?? process.arch}`, {
    actions: [
      `Images it has: ${known}.`,
      "Or give the image's URL and its sha256/sha512 checksum with the driver's image flags.",
    ],
    data: { image: request.name, arch: arch ?? process.arch },
  });
}
