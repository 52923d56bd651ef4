import { BerthError } from '@berth/driver-protocol';

// Every class here carries the shared CertificateError code; `data.problem` tells them apart in JSON.

/** A PEM file that should hold a certificate or key cannot be parsed. */
export class CertificateInvalidError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(
    readonly path: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`Cannot read ${path}: ${detail}`, {
      actions: [`Restore ${path} from a backup, or move it away and create the file again.`],
      data: { problem: 'invalid', path },
      cause,
    });
  }
}

/** The CA certificate exists but its key does not: Berth never replaces a CA silently. */
export class CaKeyMissingError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(
    readonly caCertPath: string,
    readonly caKeyPath: string,
  ) {
    super(`CA certificate ${caCertPath} exists but its key ${caKeyPath} is missing`, {
      actions: [
        `Restore ${caKeyPath} from a backup.`,
        `Or start a new CA: move ${caCertPath} away, run the command again, then run \`regenerate-certs\` for every machine (their server certificates are signed by the old CA).`,
      ],
      data: { problem: 'ca-key-missing', caCertPath, caKeyPath },
    });
  }
}

/** The CA key does not belong to the CA certificate. */
export class CaKeyMismatchError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(
    readonly caCertPath: string,
    readonly caKeyPath: string,
  ) {
    super(`CA key ${caKeyPath} does not match the CA certificate ${caCertPath}`, {
      actions: [
        `Put back the key that belongs to ${caCertPath}.`,
        `Or start a new CA: move both files away, run the command again, then run \`regenerate-certs\` for every machine.`,
      ],
      data: { problem: 'ca-key-mismatch', caCertPath, caKeyPath },
    });
  }
}

/** The CA certificate has expired. Berth does not rotate a CA by itself: every machine depends on it. */
export class CaExpiredError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(
    readonly caCertPath: string,
    readonly notAfter: Date,
  ) {
    super(`CA certificate ${caCertPath} expired on ${notAfter.toISOString()}`, {
      actions: [
        `Move ${caCertPath} and its key away, run the command again to create a new CA, then run \`regenerate-certs\` for every machine.`,
      ],
      data: { problem: 'ca-expired', caCertPath, notAfter: notAfter.toISOString() },
    });
  }
}

/** A private key exists without its certificate; Berth will not overwrite a key it did not just create. */
export class OrphanKeyError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(
    readonly keyPath: string,
    readonly certPath: string,
    readonly role: 'ca' | 'client',
  ) {
    // docker-machine's wording for the same situation, followed by the paths.
    super(
      `${role === 'ca' ? 'certificate authority key already exists' : 'client key already exists'}: ${keyPath} (but ${certPath} is missing)`,
      {
        actions: [`Restore ${certPath} from a backup, or move ${keyPath} away and run the command again.`],
        data: { problem: 'orphan-key', keyPath, certPath, role },
      },
    );
  }
}

/** Why the client certificate cannot be used. */
export type ClientCertProblem = 'key-missing' | 'key-mismatch' | 'not-issued-by-ca';

/** The client certificate is unusable with this CA (missing or wrong key, or issued by another CA). */
export class ClientCertInvalidError extends BerthError {
  override readonly code = 'CertificateError' as const;

  constructor(
    readonly clientCertPath: string,
    readonly clientKeyPath: string,
    readonly problem: ClientCertProblem,
  ) {
    const detail = {
      'key-missing': `its key ${clientKeyPath} is missing`,
      'key-mismatch': `its key ${clientKeyPath} does not match it`,
      'not-issued-by-ca': 'it was not issued by the current CA',
    }[problem];
    super(`Client certificate ${clientCertPath} cannot be used: ${detail}`, {
      actions: [
        `Move ${clientCertPath} and ${clientKeyPath} away and run the command again: a new client certificate is issued by the existing CA.`,
      ],
      data: { problem: `client-${problem}`, clientCertPath, clientKeyPath },
    });
  }
}
