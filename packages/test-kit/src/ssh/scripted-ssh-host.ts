import { type AddressInfo, createServer, type Server } from 'node:net';
import ssh2, { type Connection, type ParsedKey, type ServerChannel } from 'ssh2';

/** One command a client ran on the host, as the host saw it. */
export interface ExecRecord {
  /** The exec request exactly as sent. */
  command: string;
  /** The command with a `sudo -n sh -c '…'` wrapper taken off (what a rule is matched against). */
  script: string;
  sudo: boolean;
  /** What the client wrote to the command's stdin (e.g. a file being uploaded). */
  stdin: Buffer;
  user: string;
}

export interface ScriptReply {
  stdout?: string;
  stderr?: string;
  /** Exit status; 0 unless given. */
  code?: number;
}

/** A row of the host's script: the first rule whose `match` fits the script answers it. */
export interface ScriptRule {
  match: RegExp | string;
  reply: ScriptReply | ((exec: ExecRecord, match: RegExpExecArray) => ScriptReply | Promise<ScriptReply>);
}

export interface ScriptedSshHostOptions {
  /** Host key (OpenSSH private key); an ECDSA P-256 key is generated when absent. */
  hostKey?: string;
  /** `ssh-… AAAA…` line of the one client key the host accepts (any user name). */
  authorizedKey: string;
  rules: ScriptRule[];
}

/** The reply for a command no rule knows: what a shell says, so the caller sees a failed step. */
const NO_RULE = 127;

/**
 * An SSH server on 127.0.0.1 that stands in for a remote machine: ssh2's Server with a real host
 * key and public-key authentication, answering each exec from a table of rules instead of a
 * shell. It records every command (and its stdin) in order, and every command it had no rule for.
 */
export class ScriptedSshHost {
  readonly address = '127.0.0.1';
  /** Every exec, in the order the host received them. */
  readonly execs: ExecRecord[] = [];
  /** Scripts no rule answered (they got exit status 127). */
  readonly unanswered: string[] = [];
  private connectionCount = 0;
  private readonly clients = new Set<Connection>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The host key's algorithm, e.g. `ecdsa-sha2-nistp256`. */
    readonly hostKeyType: string,
    /** The host's public key in SSH wire format (what a client pins in known_hosts). */
    readonly hostPublicKey: Buffer,
  ) {}

  static async start(options: ScriptedSshHostOptions): Promise<ScriptedSshHost> {
    // ECDSA, not ed25519: ssh2 cannot parse about one in 500 of the ed25519 keys it generates.
    const hostKey = options.hostKey ?? ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;
    const allowed = parseKey(options.authorizedKey);
    const parsedHostKey = parseKey(hostKey);
    let host: ScriptedSshHost | undefined;
    const ssh = new ssh2.Server({ hostKeys: [hostKey] }, (client) => host?.accept(client, allowed, options.rules));
    const server = createServer((socket) => {
      // Small replies must not wait for Nagle's algorithm and the client's delayed ACK (~40 ms each).
      socket.setNoDelay(true);
      ssh.injectSocket(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    host = new ScriptedSshHost(server, port, parsedHostKey.type, parsedHostKey.getPublicSSH());
    return host;
  }

  /** SSH connections accepted so far (authenticated or not). */
  get connections(): number {
    return this.connectionCount;
  }

  /** The scripts run, in order (sudo wrappers taken off). */
  scripts(): string[] {
    return this.execs.map((exec) => exec.script);
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Connection, allowed: ParsedKey, rules: ScriptRule[]): void {
    this.connectionCount += 1;
    this.clients.add(client);
    let user = '';
    client.on('close', () => this.clients.delete(client));
    // A client that goes away mid-command is normal (a cancelled step); nothing to report.
    client.on('error', () => undefined);
    client.on('authentication', (auth) => {
      user = auth.username;
      if (auth.method !== 'publickey' || auth.key.algo !== allowed.type) return auth.reject(['publickey']);
      if (!auth.key.data.equals(allowed.getPublicSSH())) return auth.reject(['publickey']);
      // Without a signature the client only asks whether the key would do; with one, check it.
      if (auth.signature && auth.blob && !allowed.verify(auth.blob, auth.signature, auth.hashAlgo)) {
        return auth.reject(['publickey']);
      }
      auth.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (acceptExec, _reject, info) => this.exec(acceptExec(), info.command, user, rules));
      });
    });
  }

  private exec(channel: ServerChannel, command: string, user: string, rules: ScriptRule[]): void {
    const chunks: Buffer[] = [];
    let closed = false;
    channel.on('close', () => {
      closed = true;
    });
    channel.on('data', (chunk: Buffer) => chunks.push(chunk));
    channel.on('end', async () => {
      const script = unwrapSudo(command);
      const exec: ExecRecord = {
        command,
        script: script ?? command,
        sudo: script !== undefined,
        stdin: Buffer.concat(chunks),
        user,
      };
      this.execs.push(exec);
      let reply: ScriptReply | undefined;
      try {
        reply = await answer(exec, rules);
      } catch (error) {
        reply = { code: 1, stderr: `scripted host: ${error instanceof Error ? error.message : String(error)}\n` };
      }
      if (reply === undefined) {
        this.unanswered.push(exec.script);
        reply = { code: NO_RULE, stderr: `scripted host: no rule for: ${exec.script}\n` };
      }
      if (closed) return;
      if (reply.stdout) channel.write(reply.stdout);
      if (reply.stderr) channel.stderr.write(reply.stderr);
      channel.exit(reply.code ?? 0);
      channel.end();
    });
  }
}

async function answer(exec: ExecRecord, rules: ScriptRule[]): Promise<ScriptReply | undefined> {
  for (const rule of rules) {
    const match = typeof rule.match === 'string' ? exactMatch(rule.match, exec.script) : rule.match.exec(exec.script);
    if (!match) continue;
    return typeof rule.reply === 'function' ? rule.reply(exec, match) : rule.reply;
  }
  return undefined;
}

function exactMatch(expected: string, script: string): RegExpExecArray | null {
  return expected === script ? /^[\s\S]*$/.exec(script) : null;
}

function parseKey(key: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first) throw new Error('no key in the given text');
  return first;
}

/** `sudo -n sh -c 'script'` (how Berth's SSH client runs a command as root) → `script`. */
function unwrapSudo(command: string): string | undefined {
  const prefix = 'sudo -n sh -c ';
  return command.startsWith(prefix) ? unquoteShellWord(command.slice(prefix.length)) : undefined;
}

/** One POSIX shell word of bare characters, '…' and "…" parts (the forms a shell-quoting helper writes). */
export function unquoteShellWord(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const char = word[i] as string;
    if (char === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${word}`);
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (char === '"') {
      i += 1;
      while (i < word.length && word[i] !== '"') {
        if (word[i] === '\\' && i + 1 < word.length && '"\\$`'.includes(word[i + 1] as string)) i += 1;
        out += word[i];
        i += 1;
      }
      i += 1;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}
