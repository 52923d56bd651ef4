import { stat } from 'node:fs/promises';
import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import { MountpointMissingError, ToolFailedError, ToolNotInstalledError } from '../errors/external-tool-errors.js';
import { findTool, runTool } from './external-tool.js';
import { ensureHostKeyPinned } from './pin-host-key.js';
import { fusermountArgs, sshfsArgs } from './sshfs-argv.js';

/** The local sshfs, or the error that says how to install it. */
export async function sshfsTool(): Promise<string> {
  const path = await findTool(['sshfs']);
  if (!path) throw new ToolNotInstalledError('sshfs', 'the mount feature', 'sshfs');
  return path;
}

/** The local fusermount (FUSE 3's `fusermount3` first), or the error that says how to install it. */
export async function fusermountTool(): Promise<string> {
  const path = await findTool(['fusermount3', 'fusermount']);
  if (!path) throw new ToolNotInstalledError('fusermount', 'the unmount option', 'fuse3');
  return path;
}

async function checkMountpoint(mountpoint: string): Promise<void> {
  const info = await stat(mountpoint).catch(() => undefined);
  if (!info) throw new MountpointMissingError(mountpoint, 'missing');
  if (!info.isDirectory()) throw new MountpointMissingError(mountpoint, 'not-a-directory');
}

export interface SshfsMount {
  /** The machine's SSH endpoint, key and pinned host key (core's `sshTarget`). */
  target: SshConnectOptions;
  /** Path on the machine; relative paths start at the SSH user's home, as with sshfs. */
  remotePath: string;
  mountpoint: string;
  signal?: AbortSignal;
}

/** Mounts a machine's directory with sshfs, which returns once the mount is up. */
export async function mountOverSshfs(sshfs: string, mount: SshfsMount): Promise<void> {
  await checkMountpoint(mount.mountpoint);
  await ensureHostKeyPinned({ ...mount.target, ...(mount.signal ? { signal: mount.signal } : {}) });
  const exit = await runTool(sshfs, sshfsArgs(mount.target, mount.remotePath, mount.mountpoint), mount.signal);
  if (exit.status !== 0) {
    throw new ToolFailedError('sshfs', exit.status, exit.signal, [
      `Check that ${mount.mountpoint} is not mounted already (grep ' ${mount.mountpoint} ' /proc/mounts) and that /dev/fuse exists (modprobe fuse).`,
      `Check that ${mount.remotePath || 'the home directory'} exists on the machine.`,
    ]);
  }
}

/** Unmounts what sshfs mounted on `mountpoint`. */
export async function unmountSshfs(fusermount: string, mountpoint: string, signal?: AbortSignal): Promise<void> {
  const exit = await runTool(fusermount, fusermountArgs(mountpoint), signal);
  if (exit.status !== 0) {
    throw new ToolFailedError('fusermount', exit.status, exit.signal, [
      `Check that ${mountpoint} is a mount (grep ' ${mountpoint} ' /proc/mounts) and that no process works inside it.`,
    ]);
  }
}
