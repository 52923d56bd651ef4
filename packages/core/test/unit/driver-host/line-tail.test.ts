import { describe, expect, it } from 'vitest';
import { LineTail } from '../../../src/driver-host/line-tail.js';

describe('LineTail', () => {
  it('emits complete lines, strips CR, and keeps only the last ones', () => {
    const seen: string[] = [];
    const tail = new LineTail(2, (line) => seen.push(line));
    tail.push('one\r\ntw');
    tail.push('o\nthree\nfour');
    expect(seen).toEqual(['one', 'two', 'three']);
    expect(tail.lines()).toEqual(['two', 'three']);
    tail.flush();
    expect(seen).toEqual(['one', 'two', 'three', 'four']);
    expect(tail.lines()).toEqual(['three', 'four']);
  });
});
