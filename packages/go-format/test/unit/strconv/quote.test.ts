import { describe, expect, it } from 'vitest';
import { quoteGo } from '../../../src/index.js';

describe('quoteGo (Go strconv.Quote)', () => {
  it.each([
    ['hello', '"hello"'],
    ['', '""'],
    ['a\nb\t"c"\\', '"a\\nb\\t\\"c\\"\\\\"'],
    ['\u0007\b\f\r\v', '"\\a\\b\\f\\r\\v"'],
    ['\u0000\u007f\u001b', '"\\x00\\x7f\\x1b"'],
    ['héllo ☃ 😀', '"héllo ☃ 😀"'],
    ['\u00a0\u200b', '"\\u00a0\\u200b"'],
    ['\u{e0001}', '"\\U000e0001"'],
    [
      '/home/dmuser/.docker/machine/machines/dm-generic/ca.pem',
      '"/home/dmuser/.docker/machine/machines/dm-generic/ca.pem"',
    ],
  ])('%j is %s', (text, quoted) => {
    expect(quoteGo(text)).toBe(quoted);
  });
});
