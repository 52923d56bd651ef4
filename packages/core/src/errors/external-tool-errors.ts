import { BerthError } from '@berth/driver-protocol';

/**
 * Codes of the errors of commands that run a local tool over the machine's SSH (`mount` runs
 * sshfs and fusermount, `scp --delta` runs rsync). Core's own: they never cross the driver wire.
 * A code never changes meaning once released (same rule as the protocol's table).
 */
export const EXTERNAL_TOOL_ERROR_CODES = {
  ToolNotInstalled: 'A local program the command runs (sshfs, fusermount, rsync, ssh) is not on PATH.',
  MountpointMissing: 'The local mountpoint of `mount` does not exist or is not a directory.',
  ToolFailed: 'The local program the command ran (sshfs, fusermount, rsync) exited with an error.',
  RemoteToolMissing: 'The machine lacks the program the command needs on its side (rsync for `scp --delta`).',
} as const satisfies Record<string, string>;

export type ExternalToolErrorCode = keyof typeof EXTERNAL_TOOL_ERROR_CODES;

/** A local program is not on PATH: docker-machine's sentence, then the package that provides it. */
export class ToolNotInstalledError extends BerthError<ExternalToolErrorCode> {
  override readonly code = 'ToolNotInstalled' as const;

  constructor(tool: string, feature: string, debianPackage: string) {
    super(`You must have a copy of the ${tool} binary locally to use ${feature}`, {
      actions: [
        `Install it: apt-get install ${debianPackage} (Debian, Ubuntu), or your system's ${debianPackage} package.`,
        `Or put the directory that holds ${tool} on PATH.`,
      ],
      data: { tool, package: debianPackage },
    });
  }
}

/** sshfs needs an existing directory to mount on; it would say only "bad mount point". */
export class MountpointMissingError extends BerthError<ExternalToolErrorCode> {
  override readonly code = 'MountpointMissing' as const;

  constructor(mountpoint: string, reason: 'missing' | 'not-a-directory') {
    super(
      reason === 'missing' ? `Mountpoint ${mountpoint} does not exist` : `Mountpoint ${mountpoint} is not a directory`,
      {
        actions:
          reason === 'missing'
            ? [`Create it first: mkdir -p ${mountpoint}`, 'Or give another mountpoint as the second argument.']
            : ['Give a directory as the mountpoint (the second argument).'],
        data: { mountpoint },
      },
    );
  }
}

/** The tool ran and failed; it said why on stderr already. Berth exits with its status. */
export class ToolFailedError extends BerthError<ExternalToolErrorCode> {
  override readonly code = 'ToolFailed' as const;

  constructor(tool: string, status: number | null, signal: string | null, actions: string[] = []) {
    super(signal ? `${tool} was ended by ${signal}` : `${tool} exited with status ${status}`, {
      actions,
      exitCode: status && status > 0 && status < 126 ? status : 1,
      data: { tool, status, signal },
    });
  }
}

/** `scp --delta`: rsync must run on the machine too. */
export class RemoteToolMissingError extends BerthError<ExternalToolErrorCode> {
  override readonly code = 'RemoteToolMissing' as const;

  constructor(machine: string, tool: string) {
    super(`${tool} is not installed on machine "${machine}"`, {
      actions: [
        `Install it there: berth ssh ${machine} sudo apt-get install -y ${tool} (or the machine's package manager).`,
        'Or copy without --delta (scp over SFTP needs nothing on the machine).',
      ],
      exitCode: 1,
      data: { machine, tool },
    });
  }
}
