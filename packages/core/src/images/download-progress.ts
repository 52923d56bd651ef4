/** Receives progress text: whole lines ending in "\n", or, on a TTY, pieces of the percentage line. */
export type ProgressSink = (text: string) => void;

export interface DownloadProgressOptions {
  /** Render the transfer as docker-machine's `0%....10%....` line instead of plain step lines. */
  isTty?: boolean;
  /** Put in front of every line, e.g. `(web) ` as docker-machine did for driver output. */
  linePrefix?: string;
}

// docker-machine's b2d download progress: "0%", then "." every 2 % and "N%" every 10 %, up to
// "100%", then a newline. One mark per 2 %, so 50 marks after the initial "0%".
const MARKS = 50;

/** The marks after `from` up to and including `to` (both counted in 2 % steps, 0..50). */
export function percentMarks(from: number, to: number): string {
  let text = '';
  for (let mark = from + 1; mark <= to; mark += 1) text += mark % 5 === 0 ? `${mark * 2}%` : '.';
  return text;
}

/** Renders the steps of one image fetch, for a TTY or for a log. */
export class DownloadProgress {
  private readonly isTty: boolean;
  private readonly prefix: string;
  private atLineStart = true;
  /** Marks printed on the current TTY bar, or undefined when no bar is open. */
  private marks: number | undefined;
  private total: number | undefined;

  constructor(
    private readonly sink: ProgressSink = () => undefined,
    options: DownloadProgressOptions = {},
  ) {
    this.isTty = options.isTty ?? false;
    this.prefix = options.linePrefix ?? '';
  }

  /** One step line ("Verifying checksum..."). Closes an open bar first. */
  step(line: string): void {
    this.closeBar();
    this.write(`${line}\n`);
  }

  /** The transfer starts (or resumes at `offset`) for `total` bytes, if known. */
  startTransfer(fetchUrl: string, offset: number, total: number | undefined): void {
    this.total = total;
    this.step(
      offset > 0 ? `Resuming download of ${fetchUrl} at ${formatMiB(offset)}...` : `Downloading ${fetchUrl}...`,
    );
    if (this.isTty && total !== undefined && total > 0) {
      this.marks = 0;
      this.write('0%');
      this.advance(offset);
    }
  }

  /** `received` bytes of the file (counting any resumed part) are on disk. */
  advance(received: number): void {
    if (this.marks === undefined || this.total === undefined) return;
    const reached = Math.min(MARKS, Math.floor((received * MARKS) / this.total));
    if (reached <= this.marks) return;
    this.write(percentMarks(this.marks, reached));
    this.marks = reached;
  }

  /** The transfer ended with `received` bytes of the file on disk. */
  endTransfer(received: number): void {
    this.advance(received);
    if (this.marks !== undefined) this.closeBar();
    else this.step(`Downloaded ${formatMiB(received)}`);
  }

  /** Ends a half-drawn bar (on failure or Ctrl-C) so the next output starts on its own line. */
  closeBar(): void {
    if (this.marks === undefined) return;
    this.marks = undefined;
    if (!this.atLineStart) this.write('\n');
  }

  private write(text: string): void {
    if (text === '') return;
    const lines = text.split('\n');
    let out = '';
    for (const [index, piece] of lines.entries()) {
      if (index > 0) {
        out += '\n';
        this.atLineStart = true;
      }
      if (piece === '') continue;
      if (this.atLineStart) out += this.prefix;
      out += piece;
      this.atLineStart = false;
    }
    this.sink(out);
  }
}

/** Bytes as MiB with one decimal, as the progress lines show them. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
