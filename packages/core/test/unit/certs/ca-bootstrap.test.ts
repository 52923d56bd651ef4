import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshotTree } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CertBootstrapEvent, ensureCaAndClientCert } from '../../../src/certs/ca-bootstrap.js';
import { certIssuedBy, certMatchesKey, certNotAfter } from '../../../src/certs/cert-checks.js';
import { certPathsIn } from '../../../src/certs/cert-paths.js';
import {
  CaExpiredError,
  CaKeyMismatchError,
  CaKeyMissingError,
  CertificateInvalidError,
  ClientCertInvalidError,
  OrphanKeyError,
} from '../../../src/errors/cert-errors.js';
import { copyFixtureStore, makeTempDir, removeTempDir } from '../store/support/fixture-store.js';
import { here, runNode } from '../store/support/run-node.js';
import { forgeVerifies } from './support/forge.js';
import { opensslText, opensslVerify } from './support/openssl.js';
import { makeClientCert, makeTestCa } from './support/test-ca.js';

/** Files only, mtimes too: ensuring may briefly create (and remove) a lock directory beside them. */
const FILES_ONLY = { directories: false, mtimes: true };

const mode = async (path: string) => (await stat(path)).mode & 0o777;

let tmp: string;
let certsDir: string;
// A certs dir made once and copied by tests that start from an existing CA (RSA key generation is slow).
let template: string;

beforeAll(async () => {
  template = await makeTempDir();
  await ensureCaAndClientCert(join(template, 'certs'), { org: 'u' });
});

afterAll(async () => {
  await removeTempDir(template);
});

const useExistingCa = () => cp(join(template, 'certs'), certsDir, { recursive: true });

beforeEach(async () => {
  tmp = await makeTempDir();
  certsDir = join(tmp, 'store', 'certs');
});

afterEach(async () => {
  await removeTempDir(tmp);
});

describe('ensureCaAndClientCert', () => {
  it('creates the CA and the client certificate once, as docker-machine does', async () => {
    const events: CertBootstrapEvent[] = [];
    const result = await ensureCaAndClientCert(certsDir, { org: 'unknown', onProgress: (e) => events.push(e) });
    const paths = certPathsIn(certsDir);
    expect(result).toEqual({ paths, caCreated: true, clientCertCreated: true, clientCertRenewed: false });
    // What the CLI prints: "Creating CA: <path>" then "Creating client certificate: <path>".
    expect(events).toEqual([
      { kind: 'creating-ca', path: paths.caCert },
      { kind: 'creating-client-cert', path: paths.clientCert },
    ]);

    expect((await readdir(certsDir)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'cert.pem', 'key.pem']);
    expect(await mode(certsDir)).toBe(0o700);
    expect(await mode(paths.caKey)).toBe(0o600);
    expect(await mode(paths.clientKey)).toBe(0o600);
    expect(await mode(paths.caCert)).toBe(0o644);
    expect(await mode(paths.clientCert)).toBe(0o644);

    const caPem = await readFile(paths.caCert, 'utf8');
    const clientPem = await readFile(paths.clientCert, 'utf8');
    expect(certMatchesKey(caPem, await readFile(paths.caKey, 'utf8'))).toBe(true);
    expect(certMatchesKey(clientPem, await readFile(paths.clientKey, 'utf8'))).toBe(true);
    expect(certIssuedBy(clientPem, caPem)).toBe(true);
    expect(forgeVerifies(caPem, clientPem)).toBe(true);
    expect((await opensslVerify(tmp, caPem, clientPem, 'sslclient')).stdout).toContain(': OK');
    const caText = await opensslText(tmp, caPem);
    expect(caText).toContain('Subject: O = unknown\n');
    expect(caText).toMatch(/CA:TRUE/);
    const clientText = await opensslText(tmp, clientPem);
    expect(clientText).toContain('Subject: O = "unknown.<bootstrap>"');
    expect(clientText).toContain('TLS Web Client Authentication');

    const before = await snapshotTree(certsDir, FILES_ONLY);
    const again = await ensureCaAndClientCert(certsDir, { org: 'unknown', onProgress: (e) => events.push(e) });
    expect(again).toMatchObject({ caCreated: false, clientCertCreated: false, clientCertRenewed: false });
    expect(events).toHaveLength(2);
    expect(await snapshotTree(certsDir, FILES_ONLY)).toEqual(before);
  });

  it('uses the certificates docker-machine created without touching them', async () => {
    const root = await copyFixtureStore();
    try {
      const before = await snapshotTree(join(root, 'certs'), FILES_ONLY);
      const result = await ensureCaAndClientCert(join(root, 'certs'), { now: new Date('2027-01-01T00:00:00Z') });
      expect(result).toMatchObject({ caCreated: false, clientCertCreated: false, clientCertRenewed: false });
      expect(await snapshotTree(join(root, 'certs'), FILES_ONLY)).toEqual(before);
    } finally {
      await removeTempDir(join(root, '..'));
    }
  });

  it('adds only the client certificate when the CA exists', async () => {
    await useExistingCa();
    const paths = certPathsIn(certsDir);
    const caBefore = await readFile(paths.caCert, 'utf8');
    await rm(paths.clientCert);
    await rm(paths.clientKey);
    const result = await ensureCaAndClientCert(certsDir, { org: 'u' });
    expect(result).toMatchObject({ caCreated: false, clientCertCreated: true });
    expect(await readFile(paths.caCert, 'utf8')).toBe(caBefore);
  });

  it('honours --tls-* paths outside the certs dir', async () => {
    const paths = { caCert: join(tmp, 'elsewhere', 'my-ca.pem'), caKey: join(tmp, 'elsewhere', 'my-ca-key.pem') };
    const result = await ensureCaAndClientCert(certsDir, { org: 'u', paths });
    expect(result.paths.caCert).toBe(paths.caCert);
    expect(await readFile(paths.caCert, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect((await readdir(certsDir)).sort()).toEqual(['cert.pem', 'key.pem']);
  });

  describe('never replaces an existing CA', () => {
    beforeEach(useExistingCa);

    it('CA without its key → CaKeyMissingError', async () => {
      await rm(certPathsIn(certsDir).caKey);
      const error = await ensureCaAndClientCert(certsDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CaKeyMissingError);
      expect((error as CaKeyMissingError).code).toBe('CertificateError');
      expect((error as CaKeyMissingError).data.problem).toBe('ca-key-missing');
      expect((error as CaKeyMissingError).actions.length).toBeGreaterThan(0);
      expect(await readdir(certsDir)).not.toContain('ca-key.pem');
    });

    it('CA with a key of another CA → CaKeyMismatchError', async () => {
      const other = await makeTestCa();
      await writeFile(certPathsIn(certsDir).caKey, other.keyPem);
      await expect(ensureCaAndClientCert(certsDir)).rejects.toBeInstanceOf(CaKeyMismatchError);
    });

    it('CA key without the CA → OrphanKeyError', async () => {
      await rm(certPathsIn(certsDir).caCert);
      const error = await ensureCaAndClientCert(certsDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OrphanKeyError);
      expect((error as Error).message).toMatch(/^certificate authority key already exists: /);
    });

    it('expired CA → CaExpiredError', async () => {
      const notAfter = certNotAfter(await readFile(certPathsIn(certsDir).caCert, 'utf8'));
      const later = new Date(notAfter.getTime() + 1000);
      const error = await ensureCaAndClientCert(certsDir, { now: later }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CaExpiredError);
      expect((error as CaExpiredError).notAfter).toEqual(notAfter);
    });

    it('garbage in ca.pem → CertificateInvalidError', async () => {
      await writeFile(certPathsIn(certsDir).caCert, 'not a certificate');
      await expect(ensureCaAndClientCert(certsDir)).rejects.toBeInstanceOf(CertificateInvalidError);
    });
  });

  describe('client certificate problems', () => {
    beforeEach(useExistingCa);

    it('missing client key → ClientCertInvalidError', async () => {
      await rm(certPathsIn(certsDir).clientKey);
      const error = await ensureCaAndClientCert(certsDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClientCertInvalidError);
      expect((error as ClientCertInvalidError).problem).toBe('key-missing');
    });

    it('client cert of another CA → ClientCertInvalidError', async () => {
      const stranger = await makeClientCert(await makeTestCa());
      await writeFile(certPathsIn(certsDir).clientCert, stranger.certPem);
      await writeFile(certPathsIn(certsDir).clientKey, stranger.keyPem);
      const error = await ensureCaAndClientCert(certsDir).catch((e: unknown) => e);
      expect((error as ClientCertInvalidError).problem).toBe('not-issued-by-ca');
    });

    it('client key without its certificate → OrphanKeyError', async () => {
      await rm(certPathsIn(certsDir).clientCert);
      const error = await ensureCaAndClientCert(certsDir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OrphanKeyError);
      expect((error as Error).message).toMatch(/^client key already exists: /);
    });
  });

  it('renews an expired client certificate from the same CA and keeps the old files', async () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const paths = certPathsIn(certsDir);
    await ensureCaAndClientCert(certsDir, { org: 'u', now: created });
    // Re-issue the client cert 100 days earlier, so it expires while the CA is still valid.
    await rm(paths.clientCert);
    await rm(paths.clientKey);
    await ensureCaAndClientCert(certsDir, { org: 'u', now: new Date(created.getTime() - 100 * 86_400_000) });
    const oldClient = await readFile(paths.clientCert, 'utf8');

    const events: CertBootstrapEvent[] = [];
    const later = new Date(certNotAfter(oldClient).getTime() + 1000);
    const result = await ensureCaAndClientCert(certsDir, { org: 'u', now: later, onProgress: (e) => events.push(e) });
    expect(result).toMatchObject({ caCreated: false, clientCertCreated: false, clientCertRenewed: true });
    expect(events).toEqual([{ kind: 'renewing-client-cert', path: paths.clientCert, reason: 'expired' }]);
    expect(await readFile(`${paths.clientCert}.bak`, 'utf8')).toBe(oldClient);
    const renewed = await readFile(paths.clientCert, 'utf8');
    expect(certIssuedBy(renewed, await readFile(paths.caCert, 'utf8'))).toBe(true);
    expect(certMatchesKey(renewed, await readFile(paths.clientKey, 'utf8'))).toBe(true);
  });

  it('re-issues the client certificate when a new CA had to be created', async () => {
    await useExistingCa();
    const paths = certPathsIn(certsDir);
    await rm(paths.caCert);
    await rm(paths.caKey);
    const result = await ensureCaAndClientCert(certsDir, { org: 'u' });
    expect(result).toMatchObject({ caCreated: true, clientCertCreated: false, clientCertRenewed: true });
    expect(certIssuedBy(await readFile(paths.clientCert, 'utf8'), await readFile(paths.caCert, 'utf8'))).toBe(true);
  });

  it('creates exactly one CA when several processes race', async () => {
    const script = here(import.meta.url, './support/ensure-worker.mjs');
    const runs = await Promise.all(Array.from({ length: 4 }, () => runNode(script, [certsDir])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const results = runs.map((run) => JSON.parse(run.stdout) as { caCreated: boolean; clientCertCreated: boolean });
    expect(results.filter((r) => r.caCreated)).toHaveLength(1);
    expect(results.filter((r) => r.clientCertCreated)).toHaveLength(1);
    const paths = certPathsIn(certsDir);
    const caPem = await readFile(paths.caCert, 'utf8');
    expect(certMatchesKey(caPem, await readFile(paths.caKey, 'utf8'))).toBe(true);
    expect(certIssuedBy(await readFile(paths.clientCert, 'utf8'), caPem)).toBe(true);
    expect((await readdir(certsDir)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'cert.pem', 'key.pem']);
  }, 60_000);
});
