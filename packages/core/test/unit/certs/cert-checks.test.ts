import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dockerMachineFixture } from '@berth/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  certIsExpired,
  certIssuedBy,
  certMatchesKey,
  certNotAfter,
  certNotBefore,
  serverCertCoversHost,
  subjectAltNames,
} from '../../../src/certs/cert-checks.js';
import { forgeVerifies } from './support/forge.js';

const pem: Record<string, string> = {};

beforeAll(async () => {
  const files = {
    ca: 'certs/ca.pem',
    caKey: 'certs/ca-key.pem',
    client: 'certs/cert.pem',
    clientKey: 'certs/key.pem',
    server: 'machines/dm-generic/server.pem',
    serverKey: 'machines/dm-generic/server-key.pem',
    machineCa: 'machines/dm-generic/ca.pem',
  };
  for (const [name, path] of Object.entries(files))
    pem[name] = await readFile(dockerMachineFixture('store', path), 'utf8');
});

const get = (name: string) => pem[name] ?? '';

describe('certificates written by docker-machine 0.16 (fixture)', () => {
  it('parse, and have the subjects the README describes', () => {
    expect(new X509Certificate(get('ca')).subject).toBe('O=unknown');
    expect(new X509Certificate(get('ca')).ca).toBe(true);
    expect(new X509Certificate(get('client')).subject).toBe('O=unknown.\\<bootstrap\\>');
    expect(new X509Certificate(get('server')).subject).toBe('O=unknown.dm-generic');
    expect(get('machineCa')).toBe(get('ca'));
  });

  it('chain to the fixture CA (node:crypto and node-forge)', () => {
    for (const leaf of ['client', 'server']) {
      expect(certIssuedBy(get(leaf), get('ca')), leaf).toBe(true);
      expect(forgeVerifies(get('ca'), get(leaf)), leaf).toBe(true);
    }
  });

  it('match their keys', () => {
    expect(certMatchesKey(get('ca'), get('caKey'))).toBe(true);
    expect(certMatchesKey(get('client'), get('clientKey'))).toBe(true);
    expect(certMatchesKey(get('server'), get('serverKey'))).toBe(true);
    expect(certMatchesKey(get('server'), get('clientKey'))).toBe(false);
  });

  it('have the 1080-day validity', () => {
    expect(certNotBefore(get('ca')).toISOString()).toBe('2026-11-22T20:53:00.000Z');
    expect(certNotAfter(get('ca')).toISOString()).toBe('2029-11-06T20:53:00.000Z');
    expect(certIsExpired(get('ca'), new Date('2029-11-06T20:52:59Z'))).toBe(false);
    expect(certIsExpired(get('ca'), new Date('2029-11-06T20:53:01Z'))).toBe(true);
  });
});

describe('serverCertCoversHost', () => {
  it('matches the SANs of the fixture server certificate', () => {
    expect(subjectAltNames(get('server'))).toEqual({ dns: ['legacy.example.test', 'localhost'], ips: ['172.17.0.5'] });
    expect(serverCertCoversHost(get('server'), '172.17.0.5')).toBe(true);
    expect(serverCertCoversHost(get('server'), 'legacy.example.test')).toBe(true);
    expect(serverCertCoversHost(get('server'), 'LEGACY.example.test')).toBe(true);
    expect(serverCertCoversHost(get('server'), 'localhost')).toBe(true);
  });

  it('tells when the machine got a new IP and the certificate must be re-issued', () => {
    expect(serverCertCoversHost(get('server'), '172.17.0.6')).toBe(false);
    expect(serverCertCoversHost(get('server'), 'dm-generic')).toBe(false);
    // The subject is never taken as a host name.
    expect(serverCertCoversHost(get('client'), 'unknown.<bootstrap>')).toBe(false);
  });
});
