import { readFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isBerthError } from '@berth/driver-protocol';
import { SshConnectError, SshSession, SshTimeoutError } from '@berth/driver-sdk/ssh';
import type { Algorithms, AuthMethod, ClientChannel, ConnectConfig, PseudoTtyOptions } from 'ssh2';
import { SshForwardFailedError, SshOptionUnsupportedError } from '../errors/ssh-client-errors.js';
import { RemoteForwards, startLocalForward } from './builtin-ssh-forwards.js';
import { type BuiltinSshPlan, SSH_LOG_LEVELS, type SshLogLevel } from './builtin-ssh-plan.js';
import { describeForwardEnd } from './ssh-forward-spec.js';

/** OpenSSH's default identities, tried when no key is named anywhere (and only those that exist). */
const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];

/**
 * `berth ssh` with Berth's own client (ssh2): the session, forwards and agent the plan asks for,
 * wired to this process's stdin, stdout and stderr. Resolves with the remote exit status (255
 * when the remote end died of a signal or the connection dropped, as OpenSSH's `ssh`).
 */
export async function runBuiltinSsh(plan: BuiltinSshPlan, signal?: AbortSignal): Promise<number> {
  const log = logger(plan.logLevel);
  const session = await connect(plan, log, signal);
  const servers: Server[] = [];
  try {
    for (const spec of plan.localForwards) {
      try {
        servers.push(...(await startLocalForward(session.connection, spec, plan.gatewayPorts, log)));
      } catch (error) {
        const reasonText = (error as Error).message;
        if (plan.exitOnForwardFailure) throw new SshForwardFailedError(`-L ${spec.given}`, reasonText);
        log('error', `Could not request local forwarding for ${spec.given}: ${reasonText}`);
      }
    }
    const remote = new RemoteForwards(session.connection, log);
    for (const spec of plan.remoteForwards) {
      try {
        await remote.start(spec);
      } catch (error) {
        const reasonText = (error as Error).message;
        if (plan.exitOnForwardFailure) throw new SshForwardFailedError(`-R ${spec.given}`, reasonText);
        log('error', `Warning: remote port forwarding failed for ${spec.given}: ${reasonText}`);
      }
    }
    return await runSession(session, plan, log, signal);
  } finally {
    for (const server of servers) server.close();
    session.close();
  }
}

/** Writes a line to stderr when the LogLevel shows its level (OpenSSH's default, INFO, shows warnings). */
function logger(level: SshLogLevel): (at: SshLogLevel, line: string) => void {
  const limit = SSH_LOG_LEVELS.indexOf(level);
  return (at: SshLogLevel, line: string) => {
    if (SSH_LOG_LEVELS.indexOf(at) <= limit) process.stderr.write(`${line}\n`);
  };
}

async function connect(
  plan: BuiltinSshPlan,
  log: (level: SshLogLevel, line: string) => void,
  signal: AbortSignal | undefined,
): Promise<SshSession> {
  const keys = await identities(plan, log);
  const authHandler: AuthMethod[] = keys.map((key) => ({ type: 'publickey', username: plan.user, key }));
  if (plan.agentSocket && (!plan.identitiesOnly || keys.length === 0))
    authHandler.push({ type: 'agent', username: plan.user, agent: plan.agentSocket } as AuthMethod);
  if (authHandler.length === 0) authHandler.push({ type: 'none', username: plan.user });
  const tuning: Omit<ConnectConfig, 'host' | 'port' | 'username' | 'hostVerifier' | 'readyTimeout' | 'sock'> = {
    authHandler,
    // ssh2 checks these names when it connects; SshAlgorithms keeps them as given.
    algorithms: plan.algorithms as Algorithms,
    keepaliveInterval: plan.keepaliveIntervalMs,
    keepaliveCountMax: plan.keepaliveCountMax,
  };
  if (plan.forwardAgent && plan.agentSocket) {
    tuning.agent = plan.agentSocket;
    tuning.agentForward = true;
  }
  if (plan.family === 4) tuning.forceIPv4 = true;
  if (plan.family === 6) tuning.forceIPv6 = true;
  if (plan.bindAddress) tuning.localAddress = plan.bindAddress;
  if (SSH_LOG_LEVELS.indexOf(plan.logLevel) >= SSH_LOG_LEVELS.indexOf('debug1'))
    tuning.debug = (line: string) => log('debug1', `debug1: ${line}`);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await SshSession.connect({
        host: plan.host,
        port: plan.port,
        user: plan.user,
        keyPath: plan.identityFiles[0],
        knownHostsFile: plan.knownHostsFile,
        timeoutMs: plan.connectTimeoutMs,
        signal,
        tuning,
      });
    } catch (error) {
      const retry = error instanceof SshTimeoutError || error instanceof SshConnectError;
      if (!retry || attempt >= plan.connectionAttempts || signal?.aborted) throw explain(error, plan);
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** ssh2 refuses an algorithm it does not know before it dials: name the options that asked for it. */
function explain(error: unknown, plan: BuiltinSshPlan): unknown {
  if (isBerthError(error) || plan.algorithmOptions.length === 0) return error;
  return new SshOptionUnsupportedError(plan.algorithmOptions.join(', '), plan.reason, (error as Error).message);
}

/** The keys to offer, in order; a named key that cannot be read is skipped with OpenSSH's warning. */
async function identities(plan: BuiltinSshPlan, log: (level: SshLogLevel, line: string) => void): Promise<Buffer[]> {
  const { utils } = (await import('ssh2')).default;
  const named = plan.defaultIdentities
    ? DEFAULT_IDENTITIES.map((name) => ({ path: join(homedir(), '.ssh', name), named: false }))
    : plan.identityFiles.map((path) => ({ path, named: true }));
  const keys: Buffer[] = [];
  for (const { path, named: isNamed } of named) {
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      if (isNamed)
        log('error', `Warning: Identity file ${path} not accessible: ${(error as NodeJS.ErrnoException).code}.`);
      continue;
    }
    const parsed = utils.parseKey(content);
    if (parsed instanceof Error) {
      if (!isNamed) continue;
      // An encrypted key needs a passphrase prompt, which the built-in client does not have.
      throw new SshOptionUnsupportedError(`the identity file ${path}`, plan.reason, parsed.message);
    }
    keys.push(content);
  }
  return keys;
}

function window(): PseudoTtyOptions {
  return { term: process.env.TERM || 'xterm', rows: process.stdout.rows || 24, cols: process.stdout.columns || 80 };
}

/** Resolves with the channel's exit status once it closed; stdin, stdout and stderr joined to it meanwhile. */
function attach(channel: ClientChannel, plan: BuiltinSshPlan, raw: boolean, signal: AbortSignal | undefined) {
  const stdin = process.stdin;
  return new Promise<number>((resolve, reject) => {
    let code = 255;
    if (raw) stdin.setRawMode(true);
    if (plan.stdinNull) channel.end();
    else stdin.pipe(channel);
    channel.pipe(process.stdout);
    channel.stderr.pipe(process.stderr);
    const onResize = () => channel.setWindow(process.stdout.rows || 24, process.stdout.columns || 80, 0, 0);
    const onAbort = () => {
      channel.close();
      reject(signal?.reason);
    };
    process.stdout.on('resize', onResize);
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('exit', (exitCode: number | null) => {
      code = typeof exitCode === 'number' ? exitCode : 255;
    });
    channel.on('close', () => {
      process.stdout.off('resize', onResize);
      signal?.removeEventListener('abort', onAbort);
      stdin.unpipe(channel);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      resolve(code);
    });
  });
}

/**
 * Opens a channel and attaches it in ssh2's callback itself: one packet read can open a channel,
 * run the command and close it, and an `exit` emitted before a later tick would be lost.
 */
function openAttached(
  open: (callback: (error: Error | undefined, channel: ClientChannel) => void) => void,
  plan: BuiltinSshPlan,
  raw: boolean,
  signal: AbortSignal | undefined,
  onOpenError: (error: Error) => Error = (error) => error,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    open((error, channel) => {
      if (error) reject(onOpenError(error));
      else resolve(attach(channel, plan, raw, signal));
    });
  });
}

async function runSession(
  session: SshSession,
  plan: BuiltinSshPlan,
  log: (level: SshLogLevel, line: string) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const client = session.connection;
  const options = Object.keys(plan.env).length > 0 ? { env: plan.env } : {};
  switch (plan.session.kind) {
    case 'none':
      // `-N`: forwards until Ctrl-C or the connection ends.
      return new Promise<number>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        client.once('close', () => resolve(255));
      });
    case 'stdio': {
      const to = plan.session.to;
      await openAttached(
        (callback) =>
          to.kind === 'socket'
            ? client.openssh_forwardOutStreamLocal(to.path, callback)
            : client.forwardOut('127.0.0.1', 0, to.host as string, to.port, callback),
        plan,
        false,
        signal,
        (error) => new SshForwardFailedError(`-W ${describeForwardEnd(to)}`, error.message),
      );
      // A forwarded connection has no exit status: ending it is success.
      return 0;
    }
    case 'subsystem': {
      const name = plan.session.name;
      return openAttached((callback) => client.subsys(name, callback), plan, false, signal);
    }
    case 'default': {
      const command = plan.session.command;
      let tty = plan.requestTty === 'yes' || plan.requestTty === 'force' || (plan.requestTty === 'auto' && !command);
      if (process.stdin.isTTY !== true && plan.requestTty !== 'force') {
        if (tty) log('info', 'Pseudo-terminal will not be allocated because stdin is not a terminal.');
        tty = false;
      }
      return openAttached(
        (callback) =>
          command === undefined
            ? client.shell(tty ? window() : false, options, callback)
            : client.exec(command, tty ? { ...options, pty: window() } : options, callback),
        plan,
        tty && process.stdin.isTTY === true,
        signal,
      );
    }
  }
}
