import { randomBytes } from 'node:crypto';
import { copyFile, link, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoCode } from './fs-error.js';

export interface AtomicFile {
  path: string;
  data: string | Uint8Array;
  /** Permission bits of the new file (subject to the umask), e.g. 0o600 for keys and config.json. */
  mode: number;
  /** Where to keep the file being replaced, if any (it is linked or copied there first). */
  backupPath?: string;
}

/**
 * Replaces `file.path` so that readers see either the old or the new content, never a mix:
 * write a temp file in the same directory, fsync it, rename it over the target, fsync the directory.
 */
export async function writeFileAtomic(file: AtomicFile): Promise<void> {
  await writeFilesAtomic([file]);
}

/**
 * Like {@link writeFileAtomic} for several files: every temp file is written and synced before the
 * first rename, so a failure while writing leaves all targets untouched. Renames happen in order.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[]): Promise<void> {
  const temps: string[] = [];
  try {
    for (const file of files) {
      const temp = `${file.path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      temps.push(temp);
      await writeSynced(temp, file.data, file.mode);
    }
    for (const [index, file] of files.entries()) {
      if (file.backupPath !== undefined) await keepBackup(file.path, file.backupPath);
      await rename(temps[index] as string, file.path);
    }
  } catch (error) {
    await Promise.all(temps.map((temp) => unlink(temp).catch(() => undefined)));
    throw error;
  }
  for (const dir of new Set(files.map((file) => dirname(file.path)))) await syncDir(dir);
}

async function writeSynced(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// A hard link makes the backup the very inode being replaced, so it is complete and costs nothing;
// filesystems without hard links get a copy.
async function keepBackup(path: string, backupPath: string): Promise<void> {
  const temp = `${backupPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await link(path, temp);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    try {
      await copyFile(path, temp);
    } catch (copyError) {
      if (errnoCode(copyError) === 'ENOENT') return;
      throw copyError;
    }
  }
  await rename(temp, backupPath);
}

// Makes the rename itself durable. Not possible on every platform (Windows), where it is skipped.
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the data itself was already synced.
  } finally {
    await handle?.close();
  }
}
