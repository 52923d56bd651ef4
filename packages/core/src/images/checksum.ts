import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type ChecksumAlgorithm = 'sha256' | 'sha512';

/** A parsed `<algorithm>:<hex>` checksum (hex in lower case). */
export interface Checksum {
  algorithm: ChecksumAlgorithm;
  hex: string;
  /** The normalised text, `<algorithm>:<hex>`. */
  text: string;
}

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { sha256: 64, sha512: 128 };

/** Parses `sha256:<64 hex>` or `sha512:<128 hex>`; undefined for anything else. */
export function parseChecksum(text: string): Checksum | undefined {
  const match = /^(sha256|sha512):([0-9a-fA-F]+)$/.exec(text.trim());
  if (match === null) return undefined;
  const algorithm = match[1] as ChecksumAlgorithm;
  const hex = (match[2] as string).toLowerCase();
  if (hex.length !== HEX_LENGTH[algorithm]) return undefined;
  return { algorithm, hex, text: `${algorithm}:${hex}` };
}

/** A hash of `algorithm` fed with the first `length` bytes of `path` (all of it when omitted). */
export async function hashFilePrefix(
  path: string,
  algorithm: ChecksumAlgorithm,
  length?: number,
  signal?: AbortSignal,
): Promise<Hash> {
  const hash = createHash(algorithm);
  if (length === 0) return hash;
  const stream = createReadStream(path, {
    highWaterMark: 1024 * 1024,
    ...(length === undefined ? {} : { end: length - 1 }),
    ...(signal === undefined ? {} : { signal }),
  });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash;
}
