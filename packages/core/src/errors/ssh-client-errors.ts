import { BerthError } from '@berth/driver-protocol';

/**
 * Codes of `berth ssh`'s own errors about the OpenSSH options it was given. Core's own: they never
 * cross the driver wire. A code never changes meaning once released (same rule as the protocol's table).
 */
export const SSH_CLIENT_ERROR_CODES = {
  SshOptionInvalid: 'An OpenSSH option given to `berth ssh` is malformed (unknown letter, missing or bad value).',
  SshOptionUnsupported: "An OpenSSH option that Berth's built-in SSH client cannot honour; the external ssh can.",
  SshForwardFailed: 'A port forward of `berth ssh` could not be set up and ExitOnForwardFailure was asked for.',
} as const satisfies Record<string, string>;

export type SshClientErrorCode = keyof typeof SSH_CLIENT_ERROR_CODES;

/** OpenSSH would refuse this command line too: `ssh` exits 255 on a usage error. */
export class SshOptionInvalidError extends BerthError<SshClientErrorCode> {
  override readonly code = 'SshOptionInvalid' as const;

  constructor(option: string, problem: string) {
    super(`ssh option ${option}: ${problem}`, {
      actions: ['See `man ssh` for the options and their values; put the remote command after them (or after --).'],
      exitCode: 255,
      data: { option },
    });
  }
}

/** Why the built-in client runs: asked for, or no OpenSSH client here. */
export type BuiltinSshReason = 'asked' | 'no-ssh-on-path';

/** The option is OpenSSH's, but the built-in client (ssh2) has nothing that does it. */
export class SshOptionUnsupportedError extends BerthError<SshClientErrorCode> {
  override readonly code = 'SshOptionUnsupported' as const;

  constructor(option: string, reason: BuiltinSshReason, detail?: string) {
    super(`Berth's built-in SSH client cannot honour ${option}${detail ? ` (${detail})` : ''}`, {
      actions:
        reason === 'asked'
          ? [
              'Use the external OpenSSH client, which takes every ssh option: run berth without --native-ssh and with MACHINE_NATIVE_SSH unset.',
            ]
          : [
              'Install the OpenSSH client (apt-get install openssh-client) so that `ssh` is on PATH: berth then runs it and passes every ssh option to it.',
            ],
      data: { option, reason },
    });
  }
}

/** A -L/-R forward failed and the user asked to stop then (ExitOnForwardFailure=yes). */
export class SshForwardFailedError extends BerthError<SshClientErrorCode> {
  override readonly code = 'SshForwardFailed' as const;

  constructor(forward: string, reason: string) {
    super(`Could not set up the forward ${forward}: ${reason}`, {
      actions: ['Pick a free port (or one the machine allows), or drop ExitOnForwardFailure=yes to go on without it.'],
      exitCode: 255,
      data: { forward, reason },
    });
  }
}
