import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  CaExpiredError,
  CaKeyMismatchError,
  CaKeyMissingError,
  CertificateInvalidError,
  ClientCertInvalidError,
  OrphanKeyError,
} from '../errors/cert-errors.js';
import { type AtomicFile, writeFilesAtomic } from '../store/atomic-write.js';
import { errnoCode, goOpenErrorText } from '../store/fs-error.js';
import { type StoreLockOptions, withCaLock } from '../store/store-lock.js';
import { certIsExpired, certIssuedBy, certMatchesKey, certNotAfter } from './cert-checks.js';
import { clientCertOrg, defaultCertOrg } from './cert-org.js';
import { type CertPaths, certPathsIn } from './cert-paths.js';
import { issueCertificate } from './issue-certificate.js';
import { generateRsaKeyPair } from './key-pair.js';

/** Certificates are public (docker-machine leaves them 0644); keys are private. */
export const CERT_FILE_MODE = 0o644;
export const KEY_FILE_MODE = 0o600;

export type CertBootstrapEvent =
  | { kind: 'creating-ca'; path: string }
  | { kind: 'creating-client-cert'; path: string }
  | { kind: 'renewing-client-cert'; path: string; reason: 'expired' | 'new-ca' };

export interface EnsureCertsOptions {
  /** The user name in subjects (CA: O=<org>; client: O=<org>.<bootstrap>). Default: `defaultCertOrg()`. */
  org?: string;
  /** Overrides for `--tls-ca-cert`, `--tls-ca-key`, `--tls-client-cert`, `--tls-client-key`. */
  paths?: Partial<CertPaths>;
  lock?: StoreLockOptions;
  now?: Date;
  /**
   * Called before a slow step, so the CLI can print docker-machine's "Creating CA: <path>" and
   * "Creating client certificate: <path>" lines as they happen.
   */
  onProgress?: (event: CertBootstrapEvent) => void;
}

export interface CertBootstrapResult {
  paths: CertPaths;
  caCreated: boolean;
  clientCertCreated: boolean;
  /** An expired client certificate, or one from a CA that no longer exists, was replaced (old files kept as *.bak). */
  clientCertRenewed: boolean;
}

interface PemPair {
  certPem: string;
  keyPem: string;
}

/**
 * Makes sure the store has a CA and a client certificate, creating what is missing, under the CA
 * lock so that concurrent commands create exactly one CA. An existing CA is never replaced: a CA
 * without its key, with a wrong key or expired is an error telling the user what to do.
 */
export async function ensureCaAndClientCert(
  certsDir: string,
  options: EnsureCertsOptions = {},
): Promise<CertBootstrapResult> {
  const paths = { ...certPathsIn(certsDir), ...options.paths };
  const org = options.org ?? defaultCertOrg();
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => undefined);
  await mkdir(certsDir, { recursive: true, mode: 0o700 });

  return withCaLock(
    certsDir,
    async () => {
      const ca = await ensureCa(paths, org, now, progress);
      const client = await ensureClientCert(paths, org, now, ca, progress);
      return {
        paths,
        caCreated: ca.created,
        clientCertCreated: client === 'created',
        clientCertRenewed: client === 'renewed',
      };
    },
    options.lock,
  );
}

async function ensureCa(
  paths: CertPaths,
  org: string,
  now: Date,
  progress: (event: CertBootstrapEvent) => void,
): Promise<PemPair & { created: boolean }> {
  const certPem = await readOptional(paths.caCert);
  const keyPem = await readOptional(paths.caKey);
  if (certPem === undefined && keyPem !== undefined) throw new OrphanKeyError(paths.caKey, paths.caCert, 'ca');
  if (certPem !== undefined && keyPem === undefined) throw new CaKeyMissingError(paths.caCert, paths.caKey);
  if (certPem !== undefined && keyPem !== undefined) {
    checkParses(paths.caCert, certPem, paths.caKey, keyPem);
    if (!certMatchesKey(certPem, keyPem)) throw new CaKeyMismatchError(paths.caCert, paths.caKey);
    if (certIsExpired(certPem, now)) throw new CaExpiredError(paths.caCert, certNotAfter(certPem));
    return { certPem, keyPem, created: false };
  }

  progress({ kind: 'creating-ca', path: paths.caCert });
  const key = await generateRsaKeyPair();
  const created = await issueCertificate({
    kind: 'ca',
    org,
    publicKeyPem: key.publicKeyPem,
    signingKeyPem: key.privateKeyPem,
    now,
  });
  // Key first: a crash between the two renames leaves an orphan key, which is reported, never reused.
  await writePair({ certPath: paths.caCert, certPem: created, keyPath: paths.caKey, keyPem: key.privateKeyPem });
  return { certPem: created, keyPem: key.privateKeyPem, created: true };
}

async function ensureClientCert(
  paths: CertPaths,
  org: string,
  now: Date,
  ca: PemPair & { created: boolean },
  progress: (event: CertBootstrapEvent) => void,
): Promise<'existing' | 'created' | 'renewed'> {
  const certPem = await readOptional(paths.clientCert);
  const keyPem = await readOptional(paths.clientKey);
  let renewal: 'expired' | 'new-ca' | undefined;

  if (certPem === undefined && keyPem === undefined) {
    progress({ kind: 'creating-client-cert', path: paths.clientCert });
  } else if (ca.created) {
    // Whatever is there was issued by a CA that is gone; it cannot work with the new one.
    renewal = 'new-ca';
  } else if (certPem === undefined) {
    throw new OrphanKeyError(paths.clientKey, paths.clientCert, 'client');
  } else if (keyPem === undefined) {
    throw new ClientCertInvalidError(paths.clientCert, paths.clientKey, 'key-missing');
  } else {
    checkParses(paths.clientCert, certPem, paths.clientKey, keyPem);
    if (!certMatchesKey(certPem, keyPem)) {
      throw new ClientCertInvalidError(paths.clientCert, paths.clientKey, 'key-mismatch');
    }
    if (!certIssuedBy(certPem, ca.certPem)) {
      throw new ClientCertInvalidError(paths.clientCert, paths.clientKey, 'not-issued-by-ca');
    }
    if (!certIsExpired(certPem, now)) return 'existing';
    renewal = 'expired';
  }

  if (renewal !== undefined) progress({ kind: 'renewing-client-cert', path: paths.clientCert, reason: renewal });
  const key = await generateRsaKeyPair();
  const issued = await issueCertificate({
    kind: 'client',
    org: clientCertOrg(org),
    publicKeyPem: key.publicKeyPem,
    signingKeyPem: ca.keyPem,
    issuer: { certPem: ca.certPem, keyPem: ca.keyPem },
    now,
  });
  await writePair({
    certPath: paths.clientCert,
    certPem: issued,
    keyPath: paths.clientKey,
    keyPem: key.privateKeyPem,
    keepBackups: renewal !== undefined,
  });
  return renewal === undefined ? 'created' : 'renewed';
}

async function writePair(pair: {
  certPath: string;
  certPem: string;
  keyPath: string;
  keyPem: string;
  keepBackups?: boolean;
}): Promise<void> {
  const backup = (path: string) => (pair.keepBackups ? { backupPath: `${path}.bak` } : {});
  const files: AtomicFile[] = [
    { path: pair.keyPath, data: pair.keyPem, mode: KEY_FILE_MODE, ...backup(pair.keyPath) },
    { path: pair.certPath, data: pair.certPem, mode: CERT_FILE_MODE, ...backup(pair.certPath) },
  ];
  for (const dir of new Set(files.map((file) => dirname(file.path)))) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await writeFilesAtomic(files);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw new CertificateInvalidError(path, goOpenErrorText(path, error), error);
  }
}

function checkParses(certPath: string, certPem: string, keyPath: string, keyPem: string): void {
  try {
    new X509Certificate(certPem);
  } catch (error) {
    throw new CertificateInvalidError(certPath, 'not a PEM certificate', error);
  }
  try {
    createPrivateKey(keyPem);
  } catch (error) {
    throw new CertificateInvalidError(keyPath, 'not a PEM private key (or it is encrypted)', error);
  }
}
