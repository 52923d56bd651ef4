import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCertCoversHost, subjectAltNames } from '../../../src/certs/cert-checks.js';
import { serverCertOrg } from '../../../src/certs/cert-org.js';
import { generateServerCert, serverCertHosts } from '../../../src/certs/server-cert.js';
import { makeTempDir, removeTempDir } from '../store/support/fixture-store.js';
import { forgeVerifies } from './support/forge.js';
import { opensslText, opensslVerify } from './support/openssl.js';
import { makeClientCert, makeTestCa, type TestIdentity } from './support/test-ca.js';
import { tlsHandshake } from './support/tls-handshake.js';

let tmp: string;
let ca: TestIdentity;
let otherCa: TestIdentity;
let client: TestIdentity;

beforeAll(async () => {
  tmp = await makeTempDir();
  [ca, otherCa] = await Promise.all([makeTestCa('tester'), makeTestCa('stranger')]);
  client = await makeClientCert(ca);
});

afterAll(async () => {
  await removeTempDir(tmp);
});

const serverFor = (issuer: TestIdentity, hosts: string[], alsoClientAuth = false) =>
  generateServerCert({
    caCertPem: issuer.certPem,
    caKeyPem: issuer.keyPem,
    org: serverCertOrg('tester', 'm1'),
    hosts,
    alsoClientAuth,
  });

describe('serverCertHosts', () => {
  it("follows docker-machine's order (tls-sans, IP, localhost) and adds the machine name", () => {
    expect(serverCertHosts({ ip: '172.17.0.5', machineName: 'dm-generic', tlsSans: ['legacy.example.test'] })).toEqual([
      'legacy.example.test',
      '172.17.0.5',
      'localhost',
      'dm-generic',
    ]);
  });

  it('drops blanks and duplicates and unwraps [IPv6]', () => {
    expect(serverCertHosts({ ip: '[::1]', tlsSans: ['', 'LocalHost', '::1', 'a.test', 'A.test'] })).toEqual([
      'LocalHost',
      '::1',
      'a.test',
    ]);
    expect(serverCertHosts({ ip: '10.0.0.2', tlsSans: null })).toEqual(['10.0.0.2', 'localhost']);
  });
});

describe('generateServerCert', () => {
  it('issues a serverAuth certificate with IP and DNS SANs, verified by node-forge and openssl', async () => {
    const hosts = serverCertHosts({
      ip: '203.0.113.10',
      machineName: 'm1',
      tlsSans: ['san.example.test', '2001:db8::7'],
    });
    const server = await serverFor(ca, hosts);
    expect(server.keyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);

    const text = await opensslText(tmp, server.certPem);
    expect(text).toContain('Subject: O = tester.m1');
    expect(text).toContain('Issuer: O = tester');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment, Key Agreement\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: \s*\n\s+TLS Web Server Authentication\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain(
      'DNS:san.example.test, IP Address:2001:DB8:0:0:0:0:0:7, IP Address:203.0.113.10, DNS:localhost, DNS:m1',
    );
    expect(subjectAltNames(server.certPem)).toEqual({
      dns: ['san.example.test', 'localhost', 'm1'],
      ips: ['2001:DB8:0:0:0:0:0:7', '203.0.113.10'],
    });

    expect(forgeVerifies(ca.certPem, server.certPem)).toBe(true);
    expect(forgeVerifies(otherCa.certPem, server.certPem)).toBe(false);
    const verify = await opensslVerify(tmp, ca.certPem, server.certPem, 'sslserver');
    expect(verify.stdout, verify.stderr).toContain(': OK');
    expect((await opensslVerify(tmp, otherCa.certPem, server.certPem, 'sslserver')).code).not.toBe(0);
    expect((await opensslVerify(tmp, ca.certPem, server.certPem, 'sslclient')).code).not.toBe(0);

    for (const host of ['203.0.113.10', 'localhost', 'm1', 'san.example.test', '2001:db8::7', '[2001:db8::7]']) {
      expect(serverCertCoversHost(server.certPem, host), host).toBe(true);
    }
    for (const host of ['203.0.113.11', 'other.test', '127.0.0.1']) {
      expect(serverCertCoversHost(server.certPem, host), host).toBe(false);
    }
  });

  it('adds clientAuth for swarm masters', async () => {
    const server = await serverFor(ca, ['10.0.0.1'], true);
    expect(await opensslText(tmp, server.certPem)).toMatch(
      /TLS Web Server Authentication, TLS Web Client Authentication/,
    );
  });

  it('makes a new key every time (provisioning always re-issues)', async () => {
    const [a, b] = await Promise.all([serverFor(ca, ['10.0.0.1']), serverFor(ca, ['10.0.0.1'])]);
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
  });
});

describe('mutual TLS on loopback', () => {
  it('succeeds with the server cert and the client cert of the same CA', async () => {
    const server = await serverFor(ca, serverCertHosts({ ip: '127.0.0.1', machineName: 'm1' }));
    const result = await tlsHandshake({
      server: { ...server, trustedClientCaPem: ca.certPem },
      client: { ...client, trustedServerCaPem: ca.certPem },
    });
    expect(result).toMatchObject({ ok: true, serverSawAuthorizedClient: true });
  });

  it('is refused by the server for a client cert from another CA', async () => {
    const server = await serverFor(ca, ['127.0.0.1']);
    const stranger = await makeClientCert(otherCa);
    const result = await tlsHandshake({
      server: { ...server, trustedClientCaPem: ca.certPem },
      client: { ...stranger, trustedServerCaPem: ca.certPem },
    });
    expect(result.ok).toBe(false);
    expect(result.serverSawAuthorizedClient).toBeUndefined();
    expect(result.serverError).toBeDefined();
  });

  it('is refused by the client for a server cert from another CA', async () => {
    const server = await serverFor(otherCa, ['127.0.0.1']);
    const result = await tlsHandshake({
      server: { ...server, trustedClientCaPem: ca.certPem },
      client: { ...client, trustedServerCaPem: ca.certPem },
    });
    expect(result.ok).toBe(false);
    expect(result.clientError).toBeDefined();
  });

  it('is refused by the client when the IP it dials is not a SAN', async () => {
    const server = await serverFor(ca, ['10.9.9.9', 'localhost']);
    const result = await tlsHandshake({
      server: { ...server, trustedClientCaPem: ca.certPem },
      client: { ...client, trustedServerCaPem: ca.certPem },
    });
    expect(result.ok).toBe(false);
    expect(result.clientError).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
  });
});
