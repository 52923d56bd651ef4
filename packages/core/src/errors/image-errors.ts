import { BerthError } from '@berth/driver-protocol';

/**
 * Codes of the image cache's errors. They are core's own, not the protocol's: images are fetched
 * by core on a driver's behalf, so these errors never cross the driver wire. A code never changes
 * meaning once released (same rule as the protocol's table).
 */
export const IMAGE_ERROR_CODES = {
  ImageNotFound: 'The image URL (or its mirror) answered 404 or 410.',
  ImageDownloadFailed: 'The image server answered with an HTTP status other than success or not found.',
  ImageChecksumMismatch: 'The downloaded image does not match the checksum it is pinned to.',
  ImageChecksumInvalid: 'An image checksum is not of the form sha256:<hex> or sha512:<hex>.',
  ImageDownloadInterrupted: 'The image transfer stopped before the end (connection reset, truncated, stalled).',
  ImageDiskFull: 'The image cache ran out of disk space (ENOSPC).',
  ImageUnreachable: 'The image server (or the proxy) could not be reached: DNS, no route, refused, timed out.',
  ImageMirrorInvalid: 'The image mirror (flag or BERTH_IMAGE_MIRROR) is not an http(s) URL.',
  ImageCacheFailed: 'The image cache directory could not be read or written.',
} as const satisfies Record<string, string>;

export type ImageErrorCode = keyof typeof IMAGE_ERROR_CODES;

const MIRROR_ACTION = "Or set BERTH_IMAGE_MIRROR (or the driver's mirror flag) to a server that holds the same file.";

/** 404 or 410 for the image (the URL itself, or the file name under the mirror). */
export class ImageNotFoundError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageNotFound' as const;

  constructor(fetchUrl: string, status: number, mirror: string | undefined) {
    super(`Image not found: ${fetchUrl} answered ${status}`, {
      actions: [
        mirror === undefined
          ? 'Check the image URL; pinned builds are removed upstream after some months (update the catalogue or pass another URL and checksum).'
          : `Check that the mirror ${mirror} holds the file ${fetchUrl.slice(fetchUrl.lastIndexOf('/') + 1)}.`,
        ...(mirror === undefined ? [MIRROR_ACTION] : []),
      ],
      data: { url: fetchUrl, status, ...(mirror === undefined ? {} : { mirror }) },
    });
  }
}

/** Any other unsuccessful HTTP status (403, 500, ...). */
export class ImageDownloadError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageDownloadFailed' as const;

  constructor(fetchUrl: string, status: number) {
    super(`Downloading ${fetchUrl} failed: the server answered ${status}`, {
      actions: ['Retry later; if it persists, check the URL or use a mirror.', MIRROR_ACTION],
      data: { url: fetchUrl, status },
    });
  }
}

/** The whole file was received, but its digest is not the pinned one. The partial file is deleted. */
export class ImageChecksumMismatchError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageChecksumMismatch' as const;

  constructor(fetchUrl: string, expected: string, actual: string, removedPath: string) {
    super(`Checksum mismatch for ${fetchUrl}: expected ${expected}, got ${actual}. Removed ${removedPath}.`, {
      actions: [
        'Rerun to download it again. If it fails again, the server (or mirror, or a proxy) serves other bytes than the pinned ones: check the URL and the checksum.',
      ],
      data: { url: fetchUrl, expected, actual, removed: removedPath },
    });
  }
}

/** A checksum that cannot be used: wrong algorithm prefix or wrong hex length. */
export class ImageChecksumInvalidError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageChecksumInvalid' as const;

  constructor(checksum: string) {
    super(`Invalid image checksum "${checksum}": expected sha256:<64 hex digits> or sha512:<128 hex digits>`, {
      actions: ['Give the checksum as published next to the image, prefixed with its algorithm (e.g. sha512:...).'],
      data: { checksum },
    });
  }
}

/** The connection broke (reset, closed early, stalled) during the transfer. What arrived is kept. */
export class ImageDownloadInterruptedError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageDownloadInterrupted' as const;

  constructor(fetchUrl: string, received: number, total: number | undefined, partPath: string, cause: unknown) {
    const of = total === undefined ? '' : ` of ${formatMiB(total)}`;
    super(`Download of ${fetchUrl} was interrupted after ${formatMiB(received)}${of}: ${describeCause(cause)}`, {
      actions: [`Rerun the command: the download resumes from ${partPath}.`],
      data: { url: fetchUrl, received, ...(total === undefined ? {} : { total }), part: partPath },
      cause,
    });
  }
}

/** ENOSPC (or EDQUOT) writing the image, or too little free space for it to start with. */
export class ImageDiskFullError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageDiskFull' as const;

  constructor(
    dir: string,
    needed: number | undefined,
    available: number | undefined,
    partPath: string,
    cause?: unknown,
  ) {
    const need = needed === undefined ? '' : `: the image needs ${formatMiB(needed)} more`;
    const free = available === undefined ? '' : ` and ${formatMiB(available)} are free`;
    super(`Not enough disk space in ${dir}${need}${free}`, {
      actions: [
        `Free space on the file system of ${dir}, then rerun: the download resumes from ${partPath} (delete it to reclaim its space instead).`,
      ],
      data: {
        dir,
        part: partPath,
        ...(needed === undefined ? {} : { needed }),
        ...(available === undefined ? {} : { available }),
      },
      cause,
    });
  }
}

/** The server or the proxy cannot be reached at all: DNS, no route, refused, connect timeout. */
export class ImageUnreachableError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageUnreachable' as const;

  constructor(fetchUrl: string, host: string, proxy: string | undefined, cause: unknown) {
    const via = proxy === undefined ? '' : ` through the proxy ${proxy}`;
    super(`Cannot reach ${host}${via} to download ${fetchUrl}: ${describeCause(cause)}`, {
      actions: [
        proxy === undefined
          ? 'Check the network; behind a proxy, set HTTPS_PROXY / HTTP_PROXY (and NO_PROXY for hosts to reach directly).'
          : 'Check the proxy settings (HTTPS_PROXY / HTTP_PROXY / NO_PROXY) and that the proxy is up.',
        "Offline or air-gapped: set BERTH_IMAGE_MIRROR (or the driver's mirror flag) to a server on your network that holds the image.",
      ],
      data: { url: fetchUrl, host, ...(proxy === undefined ? {} : { proxy }) },
      cause,
    });
  }
}

/** The mirror setting is not an http(s) URL. */
export class ImageMirrorInvalidError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageMirrorInvalid' as const;

  constructor(mirror: string) {
    super(`Invalid image mirror "${mirror}": expected an http:// or https:// URL`, {
      actions: ['Set the mirror (flag or BERTH_IMAGE_MIRROR) to the URL of a directory that holds the image files.'],
      data: { mirror },
    });
  }
}

/** Reading or writing the cache failed for another reason than disk space (permissions, ...). */
export class ImageCacheError extends BerthError<ImageErrorCode> {
  override readonly code = 'ImageCacheFailed' as const;

  constructor(path: string, cause: unknown) {
    super(`Cannot use the image cache at ${path}: ${describeCause(cause)}`, {
      actions: ["Check the permissions of the store's cache directory."],
      data: { path },
      cause,
    });
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
}
