import { describe, expect, it } from 'vitest';
import { CERT_LIFETIME_DAYS, certValidity } from '../../../src/certs/validity.js';

describe('certValidity', () => {
  it('backdates 5 minutes from the minute and lasts 1080 days', () => {
    const { notBefore, notAfter } = certValidity(new Date('2026-11-22T20:58:42.123Z'));
    expect(notBefore.toISOString()).toBe('2026-11-22T20:53:00.000Z');
    expect(notAfter.toISOString()).toBe('2029-11-06T20:53:00.000Z');
    expect(CERT_LIFETIME_DAYS).toBe(1080);
  });

  it('matches the dates of the fixture CA (created 20:58, notBefore 20:53)', () => {
    const { notBefore, notAfter } = certValidity(new Date('2026-11-22T20:58:00Z'));
    expect(notBefore.toUTCString()).toBe('Sun, 22 Nov 2026 20:53:00 GMT');
    expect(notAfter.toUTCString()).toBe('Tue, 06 Nov 2029 20:53:00 GMT');
  });
});
