import { readFile } from 'node:fs/promises';
import { BerthError } from '@berth/driver-protocol';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { cancelled } from '../abortable-sleep.js';
import { fingerprint, pinKey, readPinnedKey } from './known-hosts.js';
import { shellQuote } from './shell-quote.js';
import {
  SshAuthError,
  SshCommandTimeoutError,
  SshConnectError,
  SshHostKeyChangedError,
  SshTimeoutError,
} from './ssh-errors.js';

export interface SshConnectOptions {
  host: string;
  port: number;
  user: string;
  /** Path of the private key file (as stored in config.json's SSHKeyPath). */
  keyPath?: string;
  /** Or the key itself. */
  privateKey?: string | Buffer;
  /** OpenSSH-format file where the host key is pinned on first contact (per machine). */
  knownHostsFile?: string;
  /** Connection plus handshake bound. */
  timeoutMs?: number;
  /** Ctrl-C: ends a connection attempt at once, even one to a port that accepts and never answers. */
  signal?: AbortSignal;
  /**
   * More ssh2 settings (algorithms, agent, auth order, keepalive, bind address), for `berth ssh`'s
   * OpenSSH options. They cannot replace the host, the user or the pinned host key check.
   */
  tuning?: Omit<ConnectConfig, 'host' | 'port' | 'username' | 'hostVerifier' | 'readyTimeout' | 'sock'>;
}

export interface RunOptions {
  /** Run through `sudo -n` unless already root. */
  sudo?: boolean;
  input?: string | Buffer;
  /** Bound on the command; past it the channel is closed and SshCommandTimeoutError raised. */
  timeoutMs?: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  /** Exit status; null when the command ended by a signal or the connection dropped. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The connection went away before the command finished (e.g. the host rebooted). */
  connectionLost: boolean;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

/**
 * One SSH connection, reused for every command of an operation (Docker Machine opened a new one
 * per command). ssh2 signs RSA keys with rsa-sha2-256/512, which OpenSSH >= 8.8 requires.
 */
export class SshSession {
  private lost = false;

  private constructor(
    private readonly client: Client,
    readonly options: SshConnectOptions,
  ) {
    client.on('close', () => {
      this.lost = true;
    });
    // ssh2 emits 'error' on a broken connection (e.g. the host rebooting under us); the command
    // in flight sees the close. Without a listener Node would crash the process.
    client.on('error', () => {
      this.lost = true;
    });
  }

  static async connect(options: SshConnectOptions): Promise<SshSession> {
    const { Client: SshClient } = (await import('ssh2')).default;
    const privateKey = options.privateKey ?? (options.keyPath ? await readFile(options.keyPath) : undefined);
    const pinned = options.knownHostsFile
      ? await readPinnedKey(options.knownHostsFile, options.host, options.port)
      : undefined;
    const endpoint = { user: options.user, host: options.host, port: options.port };
    const timeoutMs = options.timeoutMs ?? 20_000;
    let presented: Buffer | undefined;
    const client = new SshClient();
    await new Promise<void>((resolve, reject) => {
      const config: ConnectConfig = {
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        ...options.tuning,
        host: options.host,
        port: options.port,
        username: options.user,
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          presented = Buffer.from(key);
          return pinned === undefined || pinned.equals(presented);
        },
      };
      if (privateKey !== undefined) config.privateKey = privateKey;
      let settled = false;
      client.once('ready', () => {
        settled = true;
        // Commands are many small packets: with Nagle's algorithm each one waited for the host's
        // delayed ACK (about 40 ms a command, twice for an upload).
        client.setNoDelay(true);
        resolve();
      });
      client.on('error', (error: Ssh2Error) => {
        // Only the first error decides; later ones (a half-open socket closing) are expected.
        if (settled) return;
        settled = true;
        client.end();
        if (pinned && presented && !pinned.equals(presented) && options.knownHostsFile) {
          reject(
            new SshHostKeyChangedError(endpoint, options.knownHostsFile, fingerprint(pinned), fingerprint(presented)),
          );
        } else {
          reject(translateConnectError(error, endpoint, options.keyPath, timeoutMs));
        }
      });
      // ssh2 ends without an 'error' (and without its ready timeout) when the host closes after
      // its banner, as sshd does refusing a login while the system goes down: settle on the close.
      client.once('close', () => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        reject(new SshConnectError(endpoint, 'the host closed the connection before the login finished'));
      });
      const onAbort = () => {
        if (settled) return;
        settled = true;
        client.destroy();
        reject(cancelled(`connecting to ${options.host}:${options.port} over SSH`));
      };
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      client.once('ready', () => options.signal?.removeEventListener('abort', onAbort));
      client.once('close', () => options.signal?.removeEventListener('abort', onAbort));
      client.connect(config);
    });
    if (options.knownHostsFile && pinned === undefined && presented) {
      await pinKey(options.knownHostsFile, options.host, options.port, presented);
    }
    return new SshSession(client, options);
  }

  get connectionLost(): boolean {
    return this.lost;
  }

  /** The ssh2 connection itself, for channels this class does not wrap (port forwards, subsystems). */
  get connection(): Client {
    return this.client;
  }

  /** Runs a command; a non-zero exit is a result, not an error (see runChecked). */
  run(command: string, options: RunOptions = {}): Promise<RunResult> {
    const full = options.sudo && this.options.user !== 'root' ? `sudo -n sh -c ${shellQuote(command)}` : command;
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const endpoint = { user: this.options.user, host: this.options.host, port: this.options.port };
    return new Promise<RunResult>((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.client.removeListener('close', onClose);
        if (error) reject(error);
        else resolve({ code, stdout, stderr, connectionLost: this.lost && code === null });
      };
      const timer = setTimeout(() => {
        channel?.close();
        finish(new SshCommandTimeoutError(endpoint, command, timeoutMs));
      }, timeoutMs);
      const onAbort = () => {
        channel?.close();
        finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
      };
      const onClose = () => finish();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.client.once('close', onClose);
      if (this.lost) return finish(new SshConnectError(endpoint, 'the connection was closed'));
      this.client.exec(full, (error, ch) => {
        if (error) return finish(new SshConnectError(endpoint, error.message, error));
        channel = ch;
        ch.setEncoding('utf8');
        ch.on('data', (chunk: string) => {
          stdout += chunk;
          options.onStdout?.(chunk);
        });
        ch.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          options.onStderr?.(chunk);
        });
        ch.on('exit', (exitCode: number | null) => {
          code = typeof exitCode === 'number' ? exitCode : null;
        });
        ch.on('close', () => finish());
        ch.end(options.input);
      });
    });
  }

  /** Runs a command and throws, with its output, when it does not exit 0. */
  async runChecked(command: string, options: RunOptions = {}): Promise<string> {
    const result = await this.run(command, options);
    if (result.code !== 0) {
      const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-20).join('\n');
      throw new RemoteCommandError(command, this.options.host, result.code, output);
    }
    return result.stdout;
  }

  /** Writes `content` to `path` on the host atomically (temp file, then rename). */
  async upload(path: string, content: string | Buffer, options: { mode?: string; sudo?: boolean } = {}): Promise<void> {
    const temp = `${path}.berth-tmp`;
    const q = shellQuote;
    const script = `cat > ${q(temp)} && chmod ${options.mode ?? '0644'} ${q(temp)} && mv -f ${q(temp)} ${q(path)}`;
    await this.runChecked(script, { sudo: options.sudo, input: content });
  }

  /**
   * Runs `command` (or a login shell when absent) wired to this process's stdin/stdout/stderr,
   * with a terminal when stdin is one; resolves with the remote exit status.
   */
  interactive(command?: string): Promise<number> {
    const stdin = process.stdin;
    const tty = stdin.isTTY === true;
    const window = {
      term: process.env.TERM || 'xterm',
      rows: process.stdout.rows || 24,
      cols: process.stdout.columns || 80,
    };
    return new Promise<number>((resolve, reject) => {
      const onChannel = (error: Error | undefined, channel: ClientChannel) => {
        if (error) return reject(error);
        let code = 255;
        if (tty) stdin.setRawMode(true);
        stdin.pipe(channel);
        channel.pipe(process.stdout);
        channel.stderr.pipe(process.stderr);
        const onResize = () => channel.setWindow(process.stdout.rows || 24, process.stdout.columns || 80, 0, 0);
        process.stdout.on('resize', onResize);
        channel.on('exit', (exitCode: number | null) => {
          code = typeof exitCode === 'number' ? exitCode : 255;
        });
        channel.on('close', () => {
          process.stdout.off('resize', onResize);
          stdin.unpipe(channel);
          if (tty) stdin.setRawMode(false);
          stdin.pause();
          resolve(code);
        });
      };
      if (command === undefined) this.client.shell(window, onChannel);
      else this.client.exec(command, tty ? { pty: window } : {}, onChannel);
    });
  }

  /** An SFTP channel on this connection (for `scp`). */
  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
    });
  }

  close(): void {
    this.client.end();
  }
}

/** A remote command exited non-zero. */
/** A command run over SSH exited non-zero (`runChecked`). */
export class RemoteCommandError extends BerthError {
  override readonly code = 'RemoteCommandFailed' as const;

  constructor(
    readonly command: string,
    readonly host: string,
    /** The remote command's exit status (null: killed by a signal); not berth's own exit code. */
    readonly status: number | null,
    readonly output: string,
  ) {
    super(`"${command}" on ${host} exited ${status ?? 'by a signal'}${output ? `: ${output}` : ''}`, {
      data: { command, host, status },
    });
    this.name = 'RemoteCommandError';
  }
}

function translateConnectError(
  error: Ssh2Error,
  endpoint: { user: string; host: string; port: number },
  keyPath: string | undefined,
  timeoutMs: number,
): Error {
  switch (error.level) {
    case 'client-authentication':
      return new SshAuthError(endpoint, keyPath, error);
    case 'client-timeout':
      return new SshTimeoutError(endpoint, timeoutMs, error);
    case 'client-dns':
      return new SshConnectError(endpoint, `cannot resolve "${endpoint.host}"`, error);
    default:
      if (error.code === 'ETIMEDOUT') return new SshTimeoutError(endpoint, timeoutMs, error);
      return new SshConnectError(endpoint, error.code ? `${error.code} (${error.message})` : error.message, error);
  }
}
