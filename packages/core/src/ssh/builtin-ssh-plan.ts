import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import {
  type BuiltinSshReason,
  SshOptionInvalidError,
  SshOptionUnsupportedError,
} from '../errors/ssh-client-errors.js';
import { describeSshOption, type SshCommandLine, type SshOption } from './ssh-command-line.js';
import { parseSshConfigOption, type SshConfigOption, sshInteger, sshYesNo } from './ssh-config-option.js';
import { type ForwardEnd, type ForwardSpec, parseForwardSpec } from './ssh-forward-spec.js';

/**
 * ssh2's algorithm lists, with the names as given: ssh2 checks them when it connects (its types
 * list only the names it knows).
 */
export type SshAlgorithmList = string[] | { append?: string[]; prepend?: string[]; remove?: string[] };
export type SshAlgorithms = Partial<Record<'kex' | 'cipher' | 'serverHostKey' | 'hmac' | 'compress', SshAlgorithmList>>;

/** OpenSSH's RequestTTY: `-t` is yes, `-tt` force, `-T` no; auto asks for one for a login shell. */
export type RequestTty = 'auto' | 'yes' | 'force' | 'no';

/** OpenSSH's LogLevel names, quietest first. */
export const SSH_LOG_LEVELS = ['quiet', 'fatal', 'error', 'info', 'verbose', 'debug1', 'debug2', 'debug3'] as const;
export type SshLogLevel = (typeof SSH_LOG_LEVELS)[number];

export type BuiltinSession =
  /** A login shell, or the command when there is one. */
  | { kind: 'default'; command: string | undefined }
  /** `-N`: forwards only. */
  | { kind: 'none' }
  /** `-s`: the command names the subsystem. */
  | { kind: 'subsystem'; name: string }
  /** `-W host:port`: stdin and stdout joined to a connection made from the machine. */
  | { kind: 'stdio'; to: ForwardEnd };

/** Everything the built-in client does for one `berth ssh`, resolved from the options and the machine. */
export interface BuiltinSshPlan {
  host: string;
  port: number;
  user: string;
  knownHostsFile: string | undefined;
  /** Tried in order: those given (-i, IdentityFile), then the machine's key. */
  identityFiles: string[];
  /** No identity was named anywhere: OpenSSH's defaults (~/.ssh/id_*) are tried if they exist. */
  defaultIdentities: boolean;
  identitiesOnly: boolean;
  agentSocket: string | undefined;
  forwardAgent: boolean;
  connectTimeoutMs: number;
  connectionAttempts: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  family: 4 | 6 | undefined;
  bindAddress: string | undefined;
  algorithms: SshAlgorithms;
  /** The options that chose algorithms, named if ssh2 lacks one of them. */
  algorithmOptions: string[];
  requestTty: RequestTty;
  session: BuiltinSession;
  stdinNull: boolean;
  localForwards: ForwardSpec[];
  remoteForwards: ForwardSpec[];
  gatewayPorts: boolean;
  exitOnForwardFailure: boolean;
  /** Sent with SetEnv and SendEnv (the server accepts those its AcceptEnv names). */
  env: Record<string, string>;
  logLevel: SshLogLevel;
  /** Why the built-in client runs, for what its errors advise. */
  reason: BuiltinSshReason;
}

export interface BuiltinPlanInput {
  /** The machine's SSH target (sshTarget). */
  target: SshConnectOptions;
  line: SshCommandLine;
  /** From `user@machine`. */
  destinationUser?: string;
  reason: BuiltinSshReason;
  /** For SSH_AUTH_SOCK, HOME and SendEnv. */
  env: NodeJS.ProcessEnv;
}

/** docker-machine's external ssh used these two; the built-in client uses them too. */
const DEFAULT_CONNECT_TIMEOUT_S = 10;
const DEFAULT_SERVER_ALIVE_S = 60;
const COMPRESSION_ON = ['zlib@openssh.com', 'zlib', 'none'];

/**
 * What is being resolved. As in OpenSSH, a flag (-C, -A, -t...) sets its value outright, while
 * `-o`, -p and -l only set what is still unset: the first obtained value wins.
 */
interface Resolving {
  host?: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  identitiesOnly?: boolean;
  agentSocket?: string;
  forwardAgent?: boolean;
  compression?: boolean;
  connectTimeout?: number;
  connectionAttempts?: number;
  serverAliveInterval?: number;
  serverAliveCountMax?: number;
  family?: 4 | 6 | 'any';
  bindAddress?: string;
  ciphers?: string;
  macs?: string;
  kex?: string;
  hostKeyAlgorithms?: string;
  algorithmOptions: string[];
  requestTty?: RequestTty;
  sessionType?: 'default' | 'none' | 'subsystem';
  stdio?: ForwardEnd;
  stdinNull?: boolean;
  localForwards: ForwardSpec[];
  remoteForwards: ForwardSpec[];
  gatewayPorts?: boolean;
  exitOnForwardFailure?: boolean;
  setEnv: Record<string, string>;
  sendEnv: string[];
  logLevel?: SshLogLevel;
  verbosity: number;
}

export function builtinSshPlan(input: BuiltinPlanInput): BuiltinSshPlan {
  const { target, line, reason, env } = input;
  const state: Resolving = {
    identityFiles: [],
    algorithmOptions: [],
    localForwards: [],
    remoteForwards: [],
    setEnv: {},
    sendEnv: [],
    verbosity: 0,
  };
  for (const option of line.options) applyOption(state, option, reason, env);

  const command = line.command.length > 0 ? line.command.join(' ') : undefined;
  let session: BuiltinSession;
  if (state.stdio !== undefined) {
    if (command !== undefined) throw new SshOptionInvalidError('-W', 'cannot be used with a remote command');
    session = { kind: 'stdio', to: state.stdio };
  } else if (state.sessionType === 'none') {
    session = { kind: 'none' };
  } else if (state.sessionType === 'subsystem') {
    if (command === undefined) throw new SshOptionInvalidError('-s', 'needs the subsystem name as the command');
    session = { kind: 'subsystem', name: command };
  } else {
    session = { kind: 'default', command };
  }

  const identityFiles = [...state.identityFiles];
  if (target.keyPath) identityFiles.push(target.keyPath);
  const forwardAgent = state.forwardAgent ?? false;
  const agentSocket = state.agentSocket ?? (env.SSH_AUTH_SOCK || undefined);
  const sendEnv = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && state.sendEnv.some((p) => globMatch(p, entry[0])),
    ),
  );
  return {
    host: state.host ?? target.host,
    port: state.port ?? target.port,
    user: state.user ?? input.destinationUser ?? target.user,
    knownHostsFile: target.knownHostsFile,
    identityFiles,
    defaultIdentities: identityFiles.length === 0,
    identitiesOnly: state.identitiesOnly ?? Boolean(target.keyPath),
    agentSocket,
    forwardAgent: forwardAgent && agentSocket !== undefined,
    connectTimeoutMs: (state.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000,
    connectionAttempts: state.connectionAttempts ?? 1,
    keepaliveIntervalMs: (state.serverAliveInterval ?? DEFAULT_SERVER_ALIVE_S) * 1000,
    keepaliveCountMax: state.serverAliveCountMax ?? 3,
    family: state.family === 'any' ? undefined : state.family,
    bindAddress: state.bindAddress,
    algorithms: algorithmsOf(state),
    algorithmOptions: state.algorithmOptions,
    requestTty: state.requestTty ?? 'auto',
    session,
    stdinNull: state.stdinNull ?? false,
    localForwards: state.localForwards,
    remoteForwards: state.remoteForwards,
    gatewayPorts: state.gatewayPorts ?? false,
    exitOnForwardFailure: state.exitOnForwardFailure ?? false,
    env: { ...sendEnv, ...state.setEnv },
    logLevel: state.logLevel ?? 'info',
    reason,
  };
}

/** Flags the built-in client cannot honour, with what they would do. */
const UNSUPPORTED_FLAGS: Readonly<Record<string, string>> = {
  f: 'going to the background',
  G: 'printing the configuration',
  K: 'GSSAPI authentication',
  M: 'connection sharing',
  V: 'printing the OpenSSH version',
  X: 'X11 forwarding',
  Y: 'X11 forwarding',
  y: 'logging to syslog',
};

/** Options with a value the built-in client cannot honour. */
const UNSUPPORTED_VALUE_OPTIONS: Readonly<Record<string, string>> = {
  B: 'binding to an interface',
  D: 'dynamic (SOCKS) forwarding',
  E: 'a log file',
  I: 'PKCS#11 tokens',
  O: 'connection sharing',
  Q: 'querying algorithms',
  w: 'tunnel devices',
};

function applyOption(state: Resolving, option: SshOption, reason: BuiltinSshReason, env: NodeJS.ProcessEnv): void {
  const given = describeSshOption(option);
  const unsupported = (detail?: string) => new SshOptionUnsupportedError(given, reason, detail);
  const value = option.value ?? '';
  switch (option.letter) {
    case '4':
    case '6':
      state.family = option.letter === '4' ? 4 : 6;
      return;
    case 'A':
    case 'a':
      state.forwardAgent = option.letter === 'A';
      return;
    case 'C':
      state.compression = true;
      return;
    case 'g':
      state.gatewayPorts = true;
      return;
    case 'k': // GSSAPI credential delegation off: the built-in client never delegates.
    case 'x': // X11 forwarding off: the built-in client never forwards X11.
      return;
    case 'N':
      state.sessionType = 'none';
      return;
    case 'n':
      state.stdinNull = true;
      return;
    case 'q':
      state.logLevel = 'quiet';
      return;
    case 's':
      state.sessionType = 'subsystem';
      return;
    case 'T':
      state.requestTty = 'no';
      return;
    case 't':
      state.requestTty = state.requestTty === 'yes' ? 'force' : 'yes';
      return;
    case 'v':
      state.verbosity = Math.min(state.verbosity + 1, 3);
      state.logLevel = `debug${state.verbosity}` as SshLogLevel;
      return;
    case 'b':
      state.bindAddress = value;
      return;
    case 'c':
      state.ciphers = value;
      state.algorithmOptions.push(given);
      return;
    case 'm':
      state.macs = value;
      state.algorithmOptions.push(given);
      return;
    case 'e':
      if (value !== 'none') throw unsupported('an escape character: it has none, as with -e none');
      return;
    case 'F':
      if (value !== 'none' && value !== '/dev/null') throw unsupported('reading an ssh config file');
      return;
    case 'J':
      if (value !== 'none') throw unsupported('jump hosts');
      return;
    case 'S':
      if (value !== 'none') throw unsupported('connection sharing');
      return;
    case 'P': // A tag for Match blocks of a config file, and no config file is read.
      return;
    case 'i':
      state.identityFiles.push(expandTilde(value, env));
      return;
    case 'l':
      state.user ??= value;
      return;
    case 'p':
      state.port ??= sshInteger(given, value, 1, 65535);
      return;
    case 'L':
      state.localForwards.push(forward(given, value, 'local'));
      return;
    case 'R':
      state.remoteForwards.push(remoteForward(given, value, reason));
      return;
    case 'W': {
      const spec = parseForwardSpec(value, 'dynamic');
      if (spec === undefined || (spec.listen.kind === 'tcp' && spec.listen.host === undefined))
        throw new SshOptionInvalidError(given, 'is not host:port');
      state.stdio = spec.listen;
      state.requestTty = 'no';
      state.sessionType = 'none';
      return;
    }
    case 'o':
      applyConfigOption(state, parseSshConfigOption(value), reason, env);
      return;
  }
  const what = UNSUPPORTED_FLAGS[option.letter] ?? UNSUPPORTED_VALUE_OPTIONS[option.letter];
  throw unsupported(what);
}

function forward(given: string, spec: string, kind: 'local' | 'remote'): ForwardSpec {
  const parsed = parseForwardSpec(spec, kind);
  if (parsed === undefined) throw new SshOptionInvalidError(given, `is not a ${kind} forwarding specification`);
  return parsed;
}

/** `-R` is a plain forward, else (one port) a SOCKS proxy on the machine, which ssh2 cannot serve. */
function remoteForward(given: string, spec: string, reason: BuiltinSshReason): ForwardSpec {
  const parsed = parseForwardSpec(spec, 'remote');
  if (parsed !== undefined) return parsed;
  if (parseForwardSpec(spec, 'dynamic') !== undefined)
    throw new SshOptionUnsupportedError(given, reason, 'a SOCKS proxy on the machine');
  throw new SshOptionInvalidError(given, 'is not a remote forwarding specification');
}

function applyConfigOption(
  state: Resolving,
  option: SshConfigOption,
  reason: BuiltinSshReason,
  env: NodeJS.ProcessEnv,
): void {
  const { given, args } = option;
  const first = args[0] as string;
  const unsupported = (detail?: string) => new SshOptionUnsupportedError(given, reason, detail);
  switch (option.keyword) {
    case 'addressfamily': {
      const families: Record<string, 4 | 6 | 'any'> = { any: 'any', inet: 4, inet6: 6 };
      const family = families[first.toLowerCase()];
      if (family === undefined) throw new SshOptionInvalidError(given, 'takes any, inet or inet6');
      state.family ??= family;
      return;
    }
    case 'batchmode': // The built-in client never prompts.
    case 'passwordauthentication': // It offers keys only; allowing passwords changes nothing.
      sshYesNo(option);
      return;
    case 'bindaddress':
      state.bindAddress ??= first;
      return;
    case 'ciphers':
      state.ciphers ??= first;
      state.algorithmOptions.push(given);
      return;
    case 'macs':
      state.macs ??= first;
      state.algorithmOptions.push(given);
      return;
    case 'kexalgorithms':
      state.kex ??= first;
      state.algorithmOptions.push(given);
      return;
    case 'hostkeyalgorithms':
      state.hostKeyAlgorithms ??= first;
      state.algorithmOptions.push(given);
      return;
    case 'compression':
      state.compression ??= sshYesNo(option);
      return;
    case 'connecttimeout':
      state.connectTimeout ??= sshInteger(given, first, 1, 86_400);
      return;
    case 'connectionattempts':
      state.connectionAttempts ??= sshInteger(given, first, 1, 1000);
      return;
    case 'controlmaster':
      if (first.toLowerCase() !== 'no') throw unsupported('connection sharing');
      return;
    case 'controlpath':
      if (first.toLowerCase() !== 'none') throw unsupported('connection sharing');
      return;
    case 'exitonforwardfailure':
      state.exitOnForwardFailure ??= sshYesNo(option);
      return;
    case 'forwardagent': {
      if (state.forwardAgent !== undefined) return;
      const lower = first.toLowerCase();
      if (['yes', 'true', 'no', 'false'].includes(lower)) {
        state.forwardAgent = sshYesNo(option);
      } else {
        // A socket path, or $VARIABLE naming one.
        state.forwardAgent = true;
        state.agentSocket = first.startsWith('$') ? env[first.slice(1)] : expandTilde(first, env);
        if (!state.agentSocket) throw new SshOptionInvalidError(given, `${first} is not set`);
      }
      return;
    }
    case 'forwardx11':
      if (sshYesNo(option)) throw unsupported('X11 forwarding');
      return;
    case 'gatewayports':
      state.gatewayPorts ??= sshYesNo(option);
      return;
    case 'hostname':
      state.host ??= first;
      return;
    case 'identitiesonly':
      state.identitiesOnly ??= sshYesNo(option);
      return;
    case 'identityfile':
      state.identityFiles.push(expandTilde(first, env));
      return;
    case 'localforward':
      state.localForwards.push(forward(given, args.join(':'), 'local'));
      return;
    case 'remoteforward':
      state.remoteForwards.push(remoteForward(given, args.join(':'), reason));
      return;
    case 'loglevel': {
      const level = first.toLowerCase() === 'debug' ? 'debug1' : first.toLowerCase();
      if (!(SSH_LOG_LEVELS as readonly string[]).includes(level))
        throw new SshOptionInvalidError(given, `takes one of ${SSH_LOG_LEVELS.join(', ')}`);
      state.logLevel ??= level as SshLogLevel;
      return;
    }
    case 'port':
      state.port ??= sshInteger(given, first, 1, 65535);
      return;
    case 'requesttty': {
      const tty = first.toLowerCase();
      if (!['auto', 'yes', 'force', 'no'].includes(tty))
        throw new SshOptionInvalidError(given, 'takes auto, yes, force or no');
      state.requestTty ??= tty as RequestTty;
      return;
    }
    case 'serveraliveinterval':
      state.serverAliveInterval ??= sshInteger(given, first, 0, 86_400);
      return;
    case 'serveralivecountmax':
      state.serverAliveCountMax ??= sshInteger(given, first, 1, 1000);
      return;
    case 'sessiontype': {
      const type = first.toLowerCase();
      if (!['default', 'none', 'subsystem'].includes(type))
        throw new SshOptionInvalidError(given, 'takes default, none or subsystem');
      state.sessionType ??= type as 'default' | 'none' | 'subsystem';
      return;
    }
    case 'stdinnull':
      state.stdinNull ??= sshYesNo(option);
      return;
    case 'setenv':
      for (const pair of args) {
        const equals = pair.indexOf('=');
        if (equals <= 0) throw new SshOptionInvalidError(given, `"${pair}" is not NAME=VALUE`);
        const name = pair.slice(0, equals);
        if (!(name in state.setEnv)) state.setEnv[name] = pair.slice(equals + 1);
      }
      return;
    case 'sendenv':
      for (const pattern of args) {
        if (pattern.startsWith('-')) state.sendEnv = state.sendEnv.filter((p) => !globMatch(pattern.slice(1), p));
        else state.sendEnv.push(pattern);
      }
      return;
    case 'stricthostkeychecking': {
      const strict = first.toLowerCase();
      // The built-in client pins the key on first contact and refuses a changed one: accept-new.
      if (strict !== 'yes' && strict !== 'accept-new' && strict !== 'true')
        throw unsupported('it always checks the key pinned in the machine directory');
      return;
    }
    case 'user':
      state.user ??= first;
      return;
    default:
      throw unsupported();
  }
}

/** OpenSSH's algorithm lists: `a,b` exactly, `+a` appended, `-a` removed, `^a` first. */
function algorithmList(spec: string | undefined): SshAlgorithmList | undefined {
  if (spec === undefined) return undefined;
  const names = spec.slice(/^[-+^]/.test(spec) ? 1 : 0).split(',');
  if (spec.startsWith('+')) return { append: names };
  if (spec.startsWith('-')) return { remove: names };
  if (spec.startsWith('^')) return { prepend: names };
  return names;
}

function algorithmsOf(state: Resolving): SshAlgorithms {
  const algorithms: SshAlgorithms = { compress: state.compression ? COMPRESSION_ON : ['none'] };
  const cipher = algorithmList(state.ciphers);
  const hmac = algorithmList(state.macs);
  const kex = algorithmList(state.kex);
  const serverHostKey = algorithmList(state.hostKeyAlgorithms);
  if (cipher) algorithms.cipher = cipher;
  if (hmac) algorithms.hmac = hmac;
  if (kex) algorithms.kex = kex;
  if (serverHostKey) algorithms.serverHostKey = serverHostKey;
  return algorithms;
}

/** OpenSSH's `*` and `?` patterns (SendEnv). */
function globMatch(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${source}$`).test(name);
}

function expandTilde(path: string, env: NodeJS.ProcessEnv): string {
  return path === '~' || path.startsWith('~/') ? `${env.HOME ?? ''}${path.slice(1)}` : path;
}
