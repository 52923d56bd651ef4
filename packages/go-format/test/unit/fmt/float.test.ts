import { describe, expect, it } from 'vitest';
import { formatGoFloat } from '../../../src/fmt/float.js';

describe('formatGoFloat (Go strconv.FormatFloat)', () => {
  it.each([
    [1e6, 'g', -1, '1e+06'],
    [123456, 'g', -1, '123456'],
    [1234567, 'g', -1, '1.234567e+06'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [1.5, 'g', -1, '1.5'],
    [0.1 + 0.2, 'g', -1, '0.30000000000000004'],
    [0, 'g', -1, '0'],
    [-0, 'g', -1, '-0'],
    [22, 'g', -1, '22'],
    [1e21, 'g', -1, '1e+21'],
    [123456789, 'g', 3, '1.23e+08'],
    [100, 'g', 3, '100'],
    [1000, 'g', 3, '1e+03'],
    [1.0, 'g', 3, '1'],
    [100, 'e', -1, '1e+02'],
    [2.34567, 'e', 3, '2.346e+00'],
    [1234.5678, 'e', 6, '1.234568e+03'],
    [1e-10, 'e', 2, '1.00e-10'],
    [1234.5678, 'f', 2, '1234.57'],
    [0.125, 'f', 2, '0.12'],
    [0.375, 'f', 2, '0.38'],
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [0.5, 'f', 0, '0'],
    [1.005, 'f', 2, '1.00'],
    [0.06, 'f', 1, '0.1'],
    [0.0006, 'f', 2, '0.00'],
    [9.999, 'f', 2, '10.00'],
    [1e21, 'f', -1, '1000000000000000000000'],
    [1e-7, 'f', -1, '0.0000001'],
    [-2.25, 'f', 1, '-2.2'],
  ] as const)('%s %s %s is %s', (value, format, precision, text) => {
    expect(formatGoFloat(value, format, precision)).toBe(text);
  });

  it('prints special values as Go does', () => {
    expect(formatGoFloat(Number.NaN, 'g', -1)).toBe('NaN');
    expect(formatGoFloat(Number.POSITIVE_INFINITY, 'f', 2)).toBe('+Inf');
    expect(formatGoFloat(Number.NEGATIVE_INFINITY, 'e', -1)).toBe('-Inf');
  });
});
