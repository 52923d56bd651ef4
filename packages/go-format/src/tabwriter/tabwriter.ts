/**
 * Column alignment as Go's text/tabwriter does it, which docker-machine's `ls` table used
 * (minwidth 5, tabwidth 1, padding 3, pad with spaces, no flags).
 *
 * Text is split into cells at tabs; the text after the last tab of a line is not part of any
 * column. A column's width is its widest cell plus padding, at least `minWidth`, computed
 * over each run of consecutive lines that have that column. Widths count runes. A line
 * without tabs ends the alignment block, as in Go.
 */
export interface TabWriterOptions {
  minWidth: number;
  padding: number;
  padChar: string;
}

export const LS_TABWRITER: TabWriterOptions = { minWidth: 5, padding: 3, padChar: ' ' };

interface Cell {
  readonly text: string;
  readonly width: number;
}

export class TabWriter {
  private readonly options: TabWriterOptions;
  private lines: Cell[][] = [[]];
  private cell = '';
  private output = '';

  constructor(options: TabWriterOptions = LS_TABWRITER) {
    this.options = options;
  }

  write(text: string): void {
    for (const char of text) {
      if (char === '\t' || char === '\v') {
        this.terminateCell();
      } else if (char === '\n' || char === '\f') {
        const cells = this.terminateCell();
        this.lines.push([]);
        // A line of one cell cannot affect later columns, so everything so far is final.
        if (char === '\f' || cells === 1) this.flushLines();
      } else {
        this.cell += char;
      }
    }
  }

  /** Formats what is buffered, including an unterminated last line, and returns all output. */
  flush(): string {
    if (this.cell.length > 0) this.terminateCell();
    this.flushLines();
    const out = this.output;
    this.output = '';
    return out;
  }

  private currentLine(): Cell[] {
    let line = this.lines[this.lines.length - 1];
    if (line === undefined) {
      line = [];
      this.lines.push(line);
    }
    return line;
  }

  private terminateCell(): number {
    const line = this.currentLine();
    line.push({ text: this.cell, width: Array.from(this.cell).length });
    this.cell = '';
    return line.length;
  }

  private flushLines(): void {
    this.format([], 0, this.lines.length);
    this.lines = [[]];
  }

  private format(widths: number[], line0: number, line1: number): void {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= this.cellCount(i) - 1) continue;
      // Lines before the block have no cell in this column: print them as they are.
      this.writeLines(widths, start, i);
      start = i;
      let width = this.options.minWidth;
      for (; i < line1 && column < this.cellCount(i) - 1; i++) {
        const cell = this.lines[i]?.[column];
        width = Math.max(width, (cell?.width ?? 0) + this.options.padding);
      }
      this.format([...widths, width], start, i);
      start = i;
      i--;
    }
    this.writeLines(widths, start, line1);
  }

  private cellCount(line: number): number {
    return this.lines[line]?.length ?? 0;
  }

  private writeLines(widths: readonly number[], line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const cells = this.lines[i] ?? [];
      cells.forEach((cell, j) => {
        this.output += cell.text;
        const width = widths[j];
        if (width !== undefined) this.output += this.options.padChar.repeat(Math.max(width - cell.width, 0));
      });
      // The last buffered line has no newline yet.
      if (i + 1 < this.lines.length) this.output += '\n';
    }
  }
}
