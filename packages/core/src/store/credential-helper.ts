import { spawn } from 'node:child_process';
import type { LimitFunction } from 'p-limit';
import { CredentialHelperFailedError, CredentialHelperMissingError } from '../errors/credential-errors.js';

/** One entry of a credential helper: what `store` takes and `get` gives back. */
export interface Credential {
  serverUrl: string;
  username: string;
  secret: string;
}

export interface CredentialHelperOptions {
  /** Environment of the helper (PATH finds it; pass needs PASSWORD_STORE_DIR, GNUPGHOME, ...). */
  env?: NodeJS.ProcessEnv;
  /** A keychain may wait for the user to unlock it; past this the helper is stopped. Default 60 s. */
  timeoutMs?: number;
  /** Bounds how many helper processes run at once (`ls` of many machines); shared between helpers. */
  limit?: LimitFunction;
}

/** The protocol's one error with a meaning: `get` of an unknown server URL (docker-credential-helpers' errCredentialsNotFound). */
const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';

type Operation = 'store' | 'get' | 'erase' | 'list';

interface HelperRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A client of one Docker credential helper (`docker-credential-<name>`), the protocol the docker
 * CLI speaks to keychains: one process per operation, the operation as its only argument, input on
 * stdin, JSON or an error text on stdout. Written here: npm has no maintained client of it.
 */
export class CredentialHelper {
  readonly executable: string;

  constructor(
    readonly name: string,
    private readonly options: CredentialHelperOptions = {},
  ) {
    this.executable = `docker-credential-${name}`;
  }

  /** Stores (or replaces) the secret of `credential.serverUrl`. */
  async store(credential: Credential): Promise<void> {
    const input = JSON.stringify({
      ServerURL: credential.serverUrl,
      Username: credential.username,
      Secret: credential.secret,
    });
    const run = await this.run('store', input);
    if (run.code !== 0) throw this.failure('store a secret', run);
  }

  /** The entry of `serverUrl`, or undefined when the helper has none. */
  async get(serverUrl: string): Promise<Credential | undefined> {
    const run = await this.run('get', serverUrl);
    if (run.code !== 0) {
      if (run.stdout.trim() === NOT_FOUND_MESSAGE) return undefined;
      throw this.failure(`read the secret of ${serverUrl}`, run);
    }
    const answer = parseObject(run.stdout);
    if (answer === undefined) throw this.failure(`read the secret of ${serverUrl}`, run, 'its answer is not JSON');
    const secret = answer.Secret;
    // docker-credential-helpers before 0.7 (pass, Debian 12) answer an unknown URL with an empty entry.
    if (typeof secret !== 'string' || secret === '') return undefined;
    return { serverUrl, username: typeof answer.Username === 'string' ? answer.Username : '', secret };
  }

  /**
   * Erases the entry of `serverUrl`. Erasing what is not there counts as done: helpers disagree on
   * that case (pass fails, others succeed), so a failure is checked against `list`.
   */
  async erase(serverUrl: string): Promise<void> {
    const run = await this.run('erase', serverUrl);
    if (run.code === 0) return;
    if (!Object.hasOwn(await this.list(), serverUrl)) return;
    throw this.failure(`erase the secret of ${serverUrl}`, run);
  }

  /** Every server URL the helper holds, with its user name. No secret is read. */
  async list(): Promise<Record<string, string>> {
    const run = await this.run('list', '');
    if (run.code !== 0) throw this.failure('list its entries', run);
    const answer = parseObject(run.stdout);
    if (answer === undefined) throw this.failure('list its entries', run, 'its answer is not JSON');
    const entries: Record<string, string> = {};
    for (const [url, user] of Object.entries(answer)) entries[url] = typeof user === 'string' ? user : '';
    return entries;
  }

  private run(operation: Operation, input: string): Promise<HelperRun> {
    const limit = this.options.limit;
    return limit ? limit(() => this.spawn(operation, input)) : this.spawn(operation, input);
  }

  private spawn(operation: Operation, input: string): Promise<HelperRun> {
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const child = spawn(this.executable, [operation], {
        env: this.options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: timeoutMs,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'ENOENT'
            ? new CredentialHelperMissingError(this.name, this.executable)
            : new CredentialHelperFailedError(this.executable, operation, error.message),
        );
      });
      // A helper that exits before reading its input is reported by its exit status, not EPIPE.
      child.stdin.on('error', () => undefined);
      child.on('close', (code, signal) => {
        if (signal !== null) {
          const reason = child.killed ? `no answer within ${timeoutMs / 1000} s` : `ended by ${signal}`;
          reject(new CredentialHelperFailedError(this.executable, operation, reason));
          return;
        }
        resolve({
          code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
      });
      child.stdin.end(input);
    });
  }

  private failure(action: string, run: HelperRun, reason?: string): CredentialHelperFailedError {
    const said = [run.stdout.trim(), run.stderr.trim()]
      .filter(Boolean)
      .join(' / ')
      .replace(/\s*\n\s*/g, ' ');
    return new CredentialHelperFailedError(this.executable, action, reason ?? (said || `exit status ${run.code}`));
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
