import { join } from 'node:path';
import type { Checksum } from './checksum.js';

/** Where one image lives in `<store>/cache`, and its companions. */
export interface CachedImagePaths {
  /** `<cacheDir>/images`. */
  dir: string;
  /** The verified image; only ever created by a rename of `part`, so it is never half-written. */
  file: string;
  /** The download in progress (kept on interruption and Ctrl-C so a rerun resumes). */
  part: string;
  /** `<file>.verified`: the checksum, size and mtime the file had when its checksum was checked. */
  verified: string;
  /** Lock held while one process checks or downloads the image. */
  lock: string;
}

/**
 * The cache name comes from the checksum and the URL's file name: the same bytes from another host
 * (a mirror, http instead of https) share it, and a changed checksum never reuses a stale file.
 */
export function cachedImagePaths(cacheDir: string, checksum: Checksum, url: string): CachedImagePaths {
  const dir = join(cacheDir, 'images');
  const file = join(dir, `${checksum.hex.slice(0, 16)}-${safeFileName(urlBasename(url))}`);
  return { dir, file, part: `${file}.part`, verified: `${file}.verified`, lock: `${file}.lock` };
}

/** The last path segment of `url`, decoded ("image" when the path ends in "/"). */
export function urlBasename(url: string): string {
  const { pathname } = new URL(url);
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  let decoded = last;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    // Not valid percent-encoding: keep it as it is.
  }
  return decoded === '' ? 'image' : decoded;
}

function safeFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe.slice(-200);
}
