import { describe, expect, it } from 'vitest';
import { TabWriter } from '../../../src/index.js';

const align = (text: string): string => {
  const writer = new TabWriter();
  writer.write(text);
  return writer.flush();
};

describe('TabWriter (Go text/tabwriter, minwidth 5, padding 3)', () => {
  it('pads tab-terminated cells; the last cell of a line is not padded', () => {
    expect(align('a\tbb\tc\nlonger\tb\t\n')).toBe('a        bb   c\nlonger   b    \n');
  });

  it('uses the minimum width for narrow columns', () => {
    expect(align('a\tb\n')).toBe('a    b\n');
  });

  it('counts runes, not bytes or UTF-16 units', () => {
    expect(align('é\tx\nab\ty\n')).toBe('é    x\nab   y\n');
  });

  it('aligns only consecutive lines that have the column', () => {
    expect(align('a\tb\tc\nxxxxxx\ty\ncc\tdddddddd\tz\n')).toBe('a        b    c\nxxxxxx   y\ncc       dddddddd   z\n');
  });

  it('starts a new block after a line without tabs', () => {
    expect(align('a\tb\nplain\nlonger\tc\n')).toBe('a    b\nplain\nlonger   c\n');
  });

  it('keeps an unterminated last line', () => {
    expect(align('a\tb\nccc')).toBe('a    b\nccc');
    const writer = new TabWriter();
    writer.write('x\t');
    writer.write('y');
    expect(writer.flush()).toBe('x    y');
  });
});
