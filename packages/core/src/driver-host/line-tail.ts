/**
 * Splits a text stream into lines, hands each complete line to `onLine`, and keeps the last `size`
 * lines (a driver's last stderr lines go into DriverCrashedError).
 */
export class LineTail {
  private partial = '';
  private readonly kept: string[] = [];

  constructor(
    private readonly size: number,
    private readonly onLine: (line: string) => void,
  ) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) this.add(part.replace(/\r$/, ''));
  }

  /** Emits a last line that had no line break. */
  flush(): void {
    if (this.partial !== '') this.add(this.partial);
    this.partial = '';
  }

  /** The last lines, oldest first. */
  lines(): string[] {
    return [...this.kept];
  }

  private add(line: string): void {
    this.kept.push(line);
    if (this.kept.length > this.size) this.kept.shift();
    this.onLine(line);
  }
}
