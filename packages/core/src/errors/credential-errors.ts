import { BerthError } from '@berth/driver-protocol';

/**
 * Codes of the errors of keeping driver secrets in a Docker credential helper. Core's own: the
 * host resolves secret references before a driver is called, so these never cross the driver
 * wire. A code never changes meaning once released (same rule as the protocol's table).
 */
export const CREDENTIAL_ERROR_CODES = {
  CredentialHelperMissing: 'The Docker credential helper docker-credential-<name> is not on PATH.',
  CredentialHelperFailed: 'The Docker credential helper exited with an error, timed out or answered garbage.',
  CredentialNotFound: "A machine's config.json refers to a secret its credential helper does not hold.",
  CredentialConfigInvalid:
    "The docker CLI's config.json cannot be read or parsed, so Berth cannot tell whether a credential helper is configured.",
} as const satisfies Record<string, string>;

export type CredentialErrorCode = keyof typeof CREDENTIAL_ERROR_CODES;

/** `credsStore` (or a reference in config.json) names a helper that is not installed. */
export class CredentialHelperMissingError extends BerthError<CredentialErrorCode> {
  override readonly code = 'CredentialHelperMissing' as const;

  constructor(helper: string, executable: string) {
    super(`The Docker credential helper ${executable} is not on PATH`, {
      actions: [
        `Install ${executable} (Debian: golang-docker-credential-helpers for pass and secretservice) or put its directory on PATH.`,
        `Or stop using it for new machines: remove "credsStore": "${helper}" (or credHelpers.berth) from the docker CLI's config.json.`,
      ],
      data: { helper, executable },
    });
  }
}

/** The helper ran and failed; its own words are in the message (helpers never echo the secret). */
export class CredentialHelperFailedError extends BerthError<CredentialErrorCode> {
  override readonly code = 'CredentialHelperFailed' as const;

  constructor(executable: string, action: string, reason: string, actions: string[] = []) {
    super(`The Docker credential helper ${executable} failed to ${action}: ${reason}`, {
      actions: [
        ...actions,
        `Check that ${executable} works on its own (for pass: \`pass ls\` must list the store without an error).`,
      ],
      data: { executable, action },
    });
  }
}

/** config.json names a secret the helper no longer has (erased by hand, or another keychain). */
export class CredentialNotFoundError extends BerthError<CredentialErrorCode> {
  override readonly code = 'CredentialNotFound' as const;

  constructor(executable: string, serverUrl: string, key: string) {
    super(`The Docker credential helper ${executable} holds no secret for ${serverUrl} (the driver's ${key})`, {
      actions: [
        `Store it again: printf '%s' '{"ServerURL":"${serverUrl}","Username":"${key}","Secret":"…"}' | ${executable} store`,
        'Or, if the machine is gone anyway, remove it from the store with `berth rm -f NAME`.',
      ],
      data: { executable, serverUrl, key },
    });
  }
}

/** The docker CLI's config.json exists but is not JSON of the expected shape. */
export class CredentialConfigInvalidError extends BerthError<CredentialErrorCode> {
  override readonly code = 'CredentialConfigInvalid' as const;

  constructor(path: string, reason: string) {
    super(`Cannot tell which credential helper keeps new secrets: ${path} cannot be read (${reason})`, {
      actions: [`Fix or remove ${path}; the docker CLI refuses it too.`],
      data: { path },
    });
  }
}
