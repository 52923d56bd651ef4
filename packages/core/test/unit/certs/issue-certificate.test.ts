import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dockerMachineFixture } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../../../src/certs/issue-certificate.js';
import { generateRsaKeyPair } from '../../../src/certs/key-pair.js';
import { makeTempDir, removeTempDir } from '../store/support/fixture-store.js';
import { forgeVerifies, rawNames } from './support/forge.js';
import { opensslText, opensslVerify } from './support/openssl.js';
import { makeClientCert, makeTestCa, type TestIdentity } from './support/test-ca.js';

let tmp: string;
let ca: TestIdentity;

beforeAll(async () => {
  tmp = await makeTempDir();
  ca = await makeTestCa('tester', new Date('2026-03-04T05:06:07Z'));
});

afterAll(async () => {
  await removeTempDir(tmp);
});

describe('issueCertificate: CA profile', () => {
  it('is a self-signed RSA 2048 CA with O=<user> only', async () => {
    const text = await opensslText(tmp, ca.certPem);
    expect(text).toContain('Issuer: O = tester');
    expect(text).toContain('Subject: O = tester');
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toMatch(
      /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Key Agreement, Certificate Sign/,
    );
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).toContain('X509v3 Subject Key Identifier');
    expect(text).not.toContain('Extended Key Usage');
    expect(text).toContain('Not Before: Mar  4 05:01:00 2026 GMT');
    expect(text).toContain('Not After : Feb 16 05:01:00 2029 GMT');
    expect(new X509Certificate(ca.certPem).ca).toBe(true);
    expect(ca.keyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    expect(forgeVerifies(ca.certPem, ca.certPem)).toBe(true);
  });

  it('gets a fresh random serial every time', async () => {
    const other = await makeTestCa();
    const serial = (pem: string) => new X509Certificate(pem).serialNumber;
    expect(serial(other.certPem)).not.toBe(serial(ca.certPem));
    expect(serial(ca.certPem)).toMatch(/^[0-7][0-9A-F]{31}$/);
  });
});

describe('issueCertificate: client profile', () => {
  it('is a clientAuth leaf with O=<user>.<bootstrap>, verified by node-forge and openssl', async () => {
    const client = await makeClientCert(ca);
    const text = await opensslText(tmp, client.certPem);
    expect(text).toContain('Subject: O = "tester.<bootstrap>"');
    expect(text).toContain('Issuer: O = tester');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain('X509v3 Authority Key Identifier');
    expect(forgeVerifies(ca.certPem, client.certPem)).toBe(true);
    const verify = await opensslVerify(tmp, ca.certPem, client.certPem, 'sslclient');
    expect(verify.stdout, verify.stderr).toContain(': OK');
    expect((await opensslVerify(tmp, ca.certPem, client.certPem, 'sslserver')).code).not.toBe(0);
  });

  it('writes a non-printable O as UTF8String, correctly encoded', async () => {
    const client = await makeClientCert(ca, 'jürgen.example');
    expect(new X509Certificate(client.certPem).subject).toBe('O=jürgen.example');
    expect(forgeVerifies(ca.certPem, client.certPem)).toBe(true);
  });
});

describe('issueCertificate with the CA docker-machine created (fixture)', () => {
  it('copies the issuer name byte for byte and chains to it', async () => {
    const fixtureCa = {
      certPem: await readFile(dockerMachineFixture('store', 'certs', 'ca.pem'), 'utf8'),
      keyPem: await readFile(dockerMachineFixture('store', 'certs', 'ca-key.pem'), 'utf8'),
    };
    const key = await generateRsaKeyPair();
    const certPem = await issueCertificate({
      kind: 'server',
      org: 'unknown.dm-generic',
      publicKeyPem: key.publicKeyPem,
      signingKeyPem: fixtureCa.keyPem,
      issuer: fixtureCa,
      hosts: ['172.17.0.5', 'localhost'],
    });
    const names = rawNames(fixtureCa.certPem, certPem);
    expect(names.certIssuer).toBe(names.caSubject);
    expect(forgeVerifies(fixtureCa.certPem, certPem)).toBe(true);
    const verify = await opensslVerify(tmp, fixtureCa.certPem, certPem, 'sslserver');
    expect(verify.stdout, verify.stderr).toContain(': OK');
    // The authority key id is the fixture CA's subject key id.
    const text = await opensslText(tmp, certPem);
    expect(text).toContain('7F:94:6C:24:24:57:85:0B:40:E5:40:99:13:1C:45:EA:C2:27:7F:45');
  });

  it('needs an issuer for leaf certificates', async () => {
    const key = await generateRsaKeyPair();
    await expect(
      issueCertificate({ kind: 'client', org: 'x', publicKeyPem: key.publicKeyPem, signingKeyPem: key.privateKeyPem }),
    ).rejects.toThrow(/needs an issuer/);
  });
});
