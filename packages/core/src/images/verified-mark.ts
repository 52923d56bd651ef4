import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../store/atomic-write.js';

/**
 * What `<file>.verified` records: the checksum the file matched, and its size and mtime then. A
 * file that still has that size and mtime is not hashed again (a multi-GB hash on every create
 * would cost seconds); any change sends it back to a full check.
 */
export interface VerifiedMark {
  checksum: string;
  size: number;
  mtimeMs: number;
}

export async function readVerifiedMark(path: string): Promise<VerifiedMark | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<VerifiedMark>;
    if (typeof value.checksum !== 'string' || typeof value.size !== 'number' || typeof value.mtimeMs !== 'number') {
      return undefined;
    }
    return { checksum: value.checksum, size: value.size, mtimeMs: value.mtimeMs };
  } catch {
    return undefined;
  }
}

export async function writeVerifiedMark(path: string, checksum: string, stats: Stats): Promise<void> {
  const mark: VerifiedMark = { checksum, size: stats.size, mtimeMs: stats.mtimeMs };
  await writeFileAtomic({ path, data: `${JSON.stringify(mark)}\n`, mode: 0o644 });
}

/** Whether `mark` vouches for a file with `stats` and `checksum`. */
export function markVouchesFor(mark: VerifiedMark | undefined, checksum: string, stats: Stats): boolean {
  return mark !== undefined && mark.checksum === checksum && mark.size === stats.size && mark.mtimeMs === stats.mtimeMs;
}
