import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { CopyError } from '../errors/copy-errors.js';

/** One side of a copy: a local path, or a path on the SSH session's host. */
export type CopyEndpoint = { kind: 'local'; path: string } | { kind: 'remote'; path: string };

const call = <T>(fn: (cb: (error: Error | null | undefined, value: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

/** An SFTP or file-system failure on `path`, as the typed error the user sees. */
async function copying<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CopyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CopyError(`${path}: ${reason}`, { cause: error });
  }
}

const isDirectoryError = (path: string) =>
  new CopyError(`${path}: is a directory (use -r)`, { actions: ['Add -r to copy a directory and what it holds.'] });

async function remoteIsDir(sftp: SFTPWrapper, path: string): Promise<boolean> {
  try {
    return (await call<{ isDirectory(): boolean }>((cb) => sftp.stat(path, cb))).isDirectory();
  } catch {
    return false;
  }
}

async function localIsDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function upload(sftp: SFTPWrapper, from: string, to: string, recursive: boolean): Promise<void> {
  const info = await copying(from, () => stat(from));
  if (info.isDirectory()) {
    if (!recursive) throw isDirectoryError(from);
    // SFTP's mkdir fails alike for "exists" and for real failures (status FAILURE): an existing
    // directory is fine, anything else is the error.
    await copying(to, () => call<void>((cb) => sftp.mkdir(to, (error) => cb(error, undefined)))).catch(
      async (error: unknown) => {
        if (!(await remoteIsDir(sftp, to))) throw error;
      },
    );
    for (const entry of await readdir(from)) await upload(sftp, join(from, entry), `${to}/${entry}`, true);
    return;
  }
  await copying(to, () =>
    call<void>((cb) => sftp.fastPut(from, to, { mode: info.mode & 0o777 }, (error) => cb(error, undefined))),
  );
}

async function download(sftp: SFTPWrapper, from: string, to: string, recursive: boolean): Promise<void> {
  if (await remoteIsDir(sftp, from)) {
    if (!recursive) throw isDirectoryError(from);
    await copying(to, () => mkdir(to, { recursive: true }));
    const entries = await copying(from, () => call<Array<{ filename: string }>>((cb) => sftp.readdir(from, cb)));
    for (const entry of entries) await download(sftp, `${from}/${entry.filename}`, join(to, entry.filename), true);
    return;
  }
  await copying(from, () => call<void>((cb) => sftp.fastGet(from, to, (error) => cb(error, undefined))));
}

/** Copies a file (or, with `recursive`, a tree) between this machine and the SSH host, like scp. */
export async function sftpCopy(sftp: SFTPWrapper, source: CopyEndpoint, target: CopyEndpoint, recursive: boolean) {
  if (source.kind === 'local' && target.kind === 'remote') {
    const to = (await remoteIsDir(sftp, target.path)) ? `${target.path}/${basename(source.path)}` : target.path;
    await upload(sftp, source.path, to, recursive);
  } else if (source.kind === 'remote' && target.kind === 'local') {
    const to = (await localIsDir(target.path)) ? join(target.path, basename(source.path)) : target.path;
    await download(sftp, source.path, to, recursive);
  } else {
    throw new CopyError('scp copies between this machine and one machine: one side must be local');
  }
}
