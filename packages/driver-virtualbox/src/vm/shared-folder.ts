import { stat } from 'node:fs/promises';

export interface SharedFolder {
  name: string;
  /** The host directory, as VirtualBox is given it. */
  dir: string;
}

/** Docker Machine's default share: the users' home directories of the host. */
export function defaultShare(platform: NodeJS.Platform): SharedFolder {
  if (platform === 'darwin') return { name: 'Users', dir: '/Users' };
  if (platform === 'win32') return { name: 'c/Users', dir: '\\\\?\\c:\\Users' };
  return { name: 'hosthome', dir: '/home' };
}

/**
 * `--virtualbox-share-folder dir:name`, split at the last colon (so `C:\dir:name` works); without
 * a name, the directory without its leading slash names the share.
 */
export function parseShareFolder(value: string): SharedFolder {
  const colon = value.lastIndexOf(':');
  // A lone drive colon (`C:\dir`) is part of the directory, not a separator.
  const split = colon > 1 || (colon === 1 && value.length === 2) ? colon : -1;
  const dir = split < 0 ? value : value.slice(0, split);
  const name = split < 0 ? '' : value.slice(split + 1);
  return { dir, name: name || dir.replace(/^\/+/, '') };
}

/** The share to add, or undefined with --virtualbox-no-share or when the directory does not exist. */
export async function shareToAdd(
  noShare: boolean,
  shareFolder: string,
  platform: NodeJS.Platform,
): Promise<SharedFolder | undefined> {
  if (noShare) return undefined;
  const share = shareFolder ? parseShareFolder(shareFolder) : defaultShare(platform);
  const onDisk = platform === 'win32' ? share.dir.replace(/^\\\\\?\\/, '') : share.dir;
  const found = await stat(onDisk).catch(() => undefined);
  return found?.isDirectory() ? share : undefined;
}
