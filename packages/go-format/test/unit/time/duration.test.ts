import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatGoDurationMs } from '../../../src/index.js';

describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1_500n, '1.5µs'],
    [350_000_000n, '350ms'],
    [1_234_567n, '1.234567ms'],
    [1_000_000_000n, '1s'],
    [1_200_000_000n, '1.2s'],
    [59_999_999_999n, '59.999999999s'],
    [90_000_000_000n, '1m30s'],
    [120_000_000_000n, '2m0s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_500_000_000n, '1h2m3.5s'],
    [-1_500_000_000n, '-1.5s'],
  ])('%s ns is %s', (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });

  it('takes milliseconds', () => {
    expect(formatGoDurationMs(1000)).toBe('1s');
    expect(formatGoDurationMs(15)).toBe('15ms');
    expect(formatGoDurationMs(10_000)).toBe('10s');
  });
});
