import { type SshConnectOptions, shellQuote } from '@berth/driver-sdk/ssh';
import { opensshOptionArgs } from './openssh-options.js';

export interface RsyncOptions {
  recursive: boolean;
  /** No progress meter (scp's `-q`). */
  quiet: boolean;
}

/**
 * rsync's `-e` command: `ssh` with the machine's options. rsync splits it on spaces itself,
 * honouring single and double quotes, so the POSIX quoting of each word reads the same there.
 */
export function rsyncRemoteShell(target: SshConnectOptions, sshPath = 'ssh'): string {
  return [sshPath, ...opensshOptionArgs(target)].map(shellQuote).join(' ');
}

/**
 * The arguments of `rsync` for `scp --delta`, as docker-machine ran it (`--progress` unless
 * quiet, `-r` when recursive), the endpoints already in rsync's form (`user@host:path` or local),
 * plus `--times`: docker-machine left the copy's time as the time of copying, so rsync's quick
 * check (size and time) skipped a file changed in the same second as the last copy. With the
 * times kept, a changed file is always sent (only its changed blocks) and an unchanged one never.
 */
export function rsyncArgs(
  target: SshConnectOptions,
  source: string,
  destination: string,
  options: RsyncOptions,
  sshPath?: string,
): string[] {
  return [
    ...(options.quiet ? [] : ['--progress']),
    '--times',
    '-e',
    rsyncRemoteShell(target, sshPath),
    ...(options.recursive ? ['-r'] : []),
    // A path that starts with `-` is a path, not an option.
    '--',
    source,
    destination,
  ];
}

/** A local path as rsync must be given it: `a:b` (no `/` before the colon) would name host `a`. */
export function rsyncLocalPath(path: string): string {
  const colon = path.indexOf(':');
  return colon >= 0 && !path.slice(0, colon).includes('/') ? `./${path}` : path;
}
