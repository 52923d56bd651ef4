import { ImageMirrorInvalidError } from '../errors/image-errors.js';
import { urlBasename } from './cache-layout.js';

/** The environment variable that sets the mirror when no flag does. */
export const IMAGE_MIRROR_ENV = 'BERTH_IMAGE_MIRROR';

/**
 * The mirror to use: the flag's value, else BERTH_IMAGE_MIRROR, else none. Empty means none.
 * Throws ImageMirrorInvalidError for anything but an http(s) URL.
 */
export function resolveImageMirror(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = (flag ?? env[IMAGE_MIRROR_ENV] ?? '').trim();
  if (value === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ImageMirrorInvalidError(value);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ImageMirrorInvalidError(value);
  return value;
}

/**
 * Where to fetch `url` from. With a mirror, the file name is fetched from `<mirror>/<basename of
 * url>`: a mirror is one flat directory of image files, whatever path the original URL had (an
 * air-gapped user copies the files there; the tests serve them from a local server).
 */
export function imageFetchUrl(url: string, mirror: string | undefined): string {
  if (mirror === undefined) return url;
  return `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(urlBasename(url))}`;
}
