import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { envelopeLine, SESSION_PREAMBLE } from './session-mode.js';

/** An answer to one envelope (contract §2): the value array, or the error record's three fields. */
export type SessionAnswer =
  | { ok: true; value: unknown[] }
  | { ok: false; error: { message: string; id: string; category: string } };

/**
 * A client of the long-lived `powershell.exe -NoProfile -NonInteractive -NoLogo -Command -`, as a
 * driver talks to it: the preamble, then one envelope line per request, each answered by a JSON
 * line and its `<<<berth:ID>>>` marker. For the simulator's own tests and the bench; Berth's
 * driver has its own.
 */
export class PowerShellSession {
  private counter = 0;
  private readonly pending: string[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private ended = false;
  private stderrText = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (waiter) waiter(line);
      else this.pending.push(line);
    });
    child.stdout.on('end', () => {
      this.ended = true;
      this.waiter?.(undefined);
      this.waiter = undefined;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
  }

  /** Starts the process with `env` (the simulator's env() over the test's) and writes the preamble. */
  static open(env: Record<string, string | undefined>, executable = 'powershell.exe'): PowerShellSession {
    const child = spawn(executable, ['-NoProfile', '-NonInteractive', '-NoLogo', '-Command', '-'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const session = new PowerShellSession(child);
    session.send(SESSION_PREAMBLE);
    return session;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process wrote on stderr so far. */
  get stderr(): string {
    return this.stderrText;
  }

  /** Writes a raw statement line (no answer is awaited). */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** The next stdout line, without its CR; undefined once stdout ended. */
  nextLine(): Promise<string | undefined> {
    const queued = this.pending.shift();
    if (queued !== undefined) return Promise.resolve(queued.replace(/\r$/, ''));
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = (line) => resolve(line?.replace(/\r$/, ''));
    });
  }

  /** The raw answer line of one request (to check its exact JSON text). */
  async requestRaw(body: string): Promise<string> {
    this.counter += 1;
    const id = this.counter;
    this.send(envelopeLine(body, id));
    const answer = await this.nextLine();
    const marker = await this.nextLine();
    if (answer === undefined || marker !== `<<<berth:${id}>>>`) {
      throw new Error(
        `no answer to request ${id} (got ${JSON.stringify(answer)}, ${JSON.stringify(marker)}); stderr: ${this.stderrText}`,
      );
    }
    return answer;
  }

  async request(body: string): Promise<SessionAnswer> {
    return JSON.parse(await this.requestRaw(body)) as SessionAnswer;
  }

  /** Ends stdin and waits for the exit code. */
  close(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) {
        resolve(this.child.exitCode);
        return;
      }
      this.child.once('exit', (code) => resolve(code));
      this.child.stdin.end();
    });
  }
}
