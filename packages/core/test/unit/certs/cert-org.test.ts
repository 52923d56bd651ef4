import { describe, expect, it } from 'vitest';
import { clientCertOrg, defaultCertOrg, serverCertOrg } from '../../../src/certs/cert-org.js';

describe('certificate organisation', () => {
  it('uses USER on Linux and macOS, USERNAME on Windows, else unknown', () => {
    expect(defaultCertOrg({ USER: 'alice', USERNAME: 'bob' }, 'linux')).toBe('alice');
    expect(defaultCertOrg({ USER: 'alice' }, 'darwin')).toBe('alice');
    expect(defaultCertOrg({ USER: 'alice', USERNAME: 'bob' }, 'win32')).toBe('bob');
    expect(defaultCertOrg({ USER: '' }, 'linux')).toBe('unknown');
    expect(defaultCertOrg({}, 'linux')).toBe('unknown');
    expect(defaultCertOrg({ USER: 'alice' }, 'freebsd')).toBe('unknown');
  });

  it('derives the client and server subjects like docker-machine', () => {
    expect(clientCertOrg('unknown')).toBe('unknown.<bootstrap>');
    expect(serverCertOrg('unknown', 'dm-generic')).toBe('unknown.dm-generic');
  });
});
