import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import { opensshOptions, remoteSpec } from './openssh-options.js';

/** sshfs reads `-o` as FUSE options: a comma separates options and a backslash escapes. */
const fuseOption = (option: string): string => option.replace(/[\\,]/g, (char) => `\\${char}`);

/** The arguments of `sshfs` that mount `remotePath` of the machine on the local `mountpoint`. */
export function sshfsArgs(target: SshConnectOptions, remotePath: string, mountpoint: string): string[] {
  return [
    ...opensshOptions(target).flatMap((option) => ['-o', fuseOption(option)]),
    remoteSpec(target, remotePath),
    mountpoint,
  ];
}

/** The arguments of `fusermount` (or `fusermount3`) that unmount `mountpoint`. */
export function fusermountArgs(mountpoint: string): string[] {
  return ['-u', mountpoint];
}
