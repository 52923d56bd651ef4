import type { SshConnectOptions } from '@berth/driver-sdk/ssh';
import { describe, expect, it } from 'vitest';
import {
  type BuiltinSshReason,
  SshOptionInvalidError,
  SshOptionUnsupportedError,
} from '../../../src/errors/ssh-client-errors.js';
import { type BuiltinSshPlan, builtinSshPlan } from '../../../src/ssh/builtin-ssh-plan.js';
import { parseSshCommandLine } from '../../../src/ssh/ssh-command-line.js';

const target: SshConnectOptions = {
  host: '10.1.2.3',
  port: 2222,
  user: 'berth',
  keyPath: '/store/machines/web/id_rsa',
  knownHostsFile: '/store/machines/web/known_hosts',
};

function plan(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; reason?: BuiltinSshReason; target?: SshConnectOptions } = {},
): BuiltinSshPlan {
  const line = parseSshCommandLine(argv);
  const at = line.destination?.indexOf('@') ?? -1;
  return builtinSshPlan({
    target: options.target ?? target,
    line,
    ...(at > 0 ? { destinationUser: line.destination?.slice(0, at) as string } : {}),
    reason: options.reason ?? 'asked',
    env: options.env ?? { HOME: '/home/u' },
  });
}

function refusal(argv: string[], reason: BuiltinSshReason = 'asked'): SshOptionUnsupportedError {
  try {
    plan(argv, { reason });
  } catch (error) {
    if (error instanceof SshOptionUnsupportedError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe("the built-in client's plan: OpenSSH's options over the machine's SSH target", () => {
  it('without options: the machine, its key only, a login shell, no compression, ssh defaults', () => {
    const bare = plan(['web']);
    expect(bare).toMatchObject({
      host: target.host,
      port: target.port,
      user: target.user,
      knownHostsFile: target.knownHostsFile,
      identityFiles: [target.keyPath],
      defaultIdentities: false,
      identitiesOnly: true,
      forwardAgent: false,
      connectTimeoutMs: 10_000,
      connectionAttempts: 1,
      requestTty: 'auto',
      session: { kind: 'default', command: undefined },
      algorithms: { compress: ['none'] },
      localForwards: [],
      remoteForwards: [],
      logLevel: 'info',
    });
  });

  it('`web -C echo foo` compresses and runs `echo foo` (the bug of issue 11)', () => {
    const compressed = plan(['web', '-C', 'echo', 'foo']);
    expect(compressed.session).toEqual({ kind: 'default', command: 'echo foo' });
    expect(compressed.algorithms.compress).toEqual(['zlib@openssh.com', 'zlib', 'none']);
  });

  it('keeps the first -p, -l and -o value, as ssh; a flag sets its value whatever -o said', () => {
    expect(plan(['-p', '1', 'web', '-p', '2']).port).toBe(1);
    expect(plan(['-o', 'Port=3', '-p', '4', 'web']).port).toBe(3);
    expect(plan(['-l', 'a', '-o', 'User=b', 'c@web']).user).toBe('a');
    expect(plan(['c@web']).user).toBe('c');
    expect(plan(['-o', 'HostName=127.0.0.1', 'web']).host).toBe('127.0.0.1');
    expect(plan(['-o', 'ConnectTimeout=5', '-o', 'ConnectTimeout=7', 'web']).connectTimeoutMs).toBe(5000);
    expect(plan(['-o', 'Compression=no', '-C', 'web']).algorithms.compress).toEqual([
      'zlib@openssh.com',
      'zlib',
      'none',
    ]);
    expect(plan(['-C', '-o', 'Compression=no', 'web']).algorithms.compress).toEqual([
      'zlib@openssh.com',
      'zlib',
      'none',
    ]);
  });

  it('-t asks for a terminal, -tt forces one, -T refuses one, RequestTTY=force too', () => {
    expect(plan(['-t', 'web']).requestTty).toBe('yes');
    expect(plan(['-tt', 'web']).requestTty).toBe('force');
    expect(plan(['-tt', 'web', '-T']).requestTty).toBe('no');
    expect(plan(['-o', 'RequestTTY=force', 'web']).requestTty).toBe('force');
  });

  it('-A forwards the agent of SSH_AUTH_SOCK; without an agent there is nothing to forward, as in ssh', () => {
    const agent = plan(['-A', 'web'], { env: { SSH_AUTH_SOCK: '/tmp/agent.sock' } });
    expect(agent).toMatchObject({ forwardAgent: true, agentSocket: '/tmp/agent.sock' });
    expect(plan(['-A', 'web', '-a'], { env: { SSH_AUTH_SOCK: '/tmp/a' } }).forwardAgent).toBe(false);
    expect(plan(['-A', 'web'], { env: {} }).forwardAgent).toBe(false);
    expect(plan(['-o', 'ForwardAgent=$OTHER', 'web'], { env: { OTHER: '/tmp/o' } })).toMatchObject({
      forwardAgent: true,
      agentSocket: '/tmp/o',
    });
  });

  it('collects -L, -R and their -o forms in order, and GatewayPorts', () => {
    const forwards = plan([
      '-L',
      '8080:localhost:80',
      '-o',
      'LocalForward 9090 db:5432',
      '-g',
      'web',
      '-R',
      '0:127.0.0.1:3000',
      '-o',
      'RemoteForward=/tmp/r.sock /tmp/l.sock',
    ]);
    expect(forwards.localForwards.map((spec) => spec.given)).toEqual(['8080:localhost:80', '9090:db:5432']);
    expect(forwards.remoteForwards.map((spec) => spec.given)).toEqual(['0:127.0.0.1:3000', '/tmp/r.sock:/tmp/l.sock']);
    expect(forwards.remoteForwards[1]?.connect).toEqual({ kind: 'socket', path: '/tmp/l.sock' });
    expect(forwards.gatewayPorts).toBe(true);
  });

  it('-N is no session, -W host:port a stdio forward, -s a subsystem named by the command', () => {
    expect(plan(['-N', 'web']).session).toEqual({ kind: 'none' });
    expect(plan(['-W', 'db:5432', 'web']).session).toEqual({
      kind: 'stdio',
      to: { kind: 'tcp', host: 'db', port: 5432 },
    });
    expect(plan(['-s', 'web', 'sftp']).session).toEqual({ kind: 'subsystem', name: 'sftp' });
    expect(() => plan(['-s', 'web'])).toThrow(SshOptionInvalidError);
    expect(() => plan(['-W', 'db:5432', 'web', 'ls'])).toThrow(SshOptionInvalidError);
  });

  it('puts keys given with -i and IdentityFile before the machine key; none anywhere means ~/.ssh defaults', () => {
    const keys = plan(['-i', '~/.ssh/other', 'web', '-o', 'IdentityFile=/k2'], { env: { HOME: '/home/u' } });
    expect(keys.identityFiles).toEqual(['/home/u/.ssh/other', '/k2', target.keyPath]);
    const keyless = plan(['web'], { target: { ...target, keyPath: undefined } });
    expect(keyless).toMatchObject({ identityFiles: [], defaultIdentities: true, identitiesOnly: false });
  });

  it('-v raises the log level one step at a time, -q quietens it', () => {
    expect(plan(['-v', 'web']).logLevel).toBe('debug1');
    expect(plan(['-vvv', 'web', '-v']).logLevel).toBe('debug3');
    expect(plan(['-q', 'web']).logLevel).toBe('quiet');
    expect(plan(['-o', 'LogLevel=ERROR', 'web']).logLevel).toBe('error');
  });

  it('turns OpenSSH algorithm lists into ssh2 ones: exact, +appended, -removed, ^first', () => {
    const algorithms = plan([
      '-c',
      'aes128-ctr,aes256-ctr',
      '-o',
      'MACs=+hmac-sha1',
      '-o',
      'KexAlgorithms=-diffie-hellman-group14-sha1',
      '-o',
      'HostKeyAlgorithms=^ssh-ed25519',
      'web',
    ]);
    expect(algorithms.algorithms).toEqual({
      compress: ['none'],
      cipher: ['aes128-ctr', 'aes256-ctr'],
      hmac: { append: ['hmac-sha1'] },
      kex: { remove: ['diffie-hellman-group14-sha1'] },
      serverHostKey: { prepend: ['ssh-ed25519'] },
    });
    expect(algorithms.algorithmOptions).toHaveLength(4);
  });

  it('sends SetEnv values and the SendEnv variables that are set', () => {
    const env = plan(['-o', 'SetEnv=A=1 B=2', '-o', 'SendEnv=LC_*', 'web'], {
      env: { LC_ALL: 'C', LANG: 'x', HOME: '/h' },
    }).env;
    expect(env).toEqual({ A: '1', B: '2', LC_ALL: 'C' });
  });

  it('refuses what ssh2 cannot do, naming the option and how to get the external client', () => {
    for (const argv of [
      ['-X', 'web'],
      ['-f', 'web', 'true'],
      ['-D', '1080', 'web'],
      ['-R', '1080', 'web'],
      ['-J', 'bastion', 'web'],
      ['-e', '~', 'web'],
      ['-F', '/home/u/.ssh/config', 'web'],
      ['-o', 'ProxyJump=bastion', 'web'],
      ['-o', 'StrictHostKeyChecking=no', 'web'],
      ['-o', 'ControlMaster=auto', 'web'],
    ]) {
      const error = refusal(argv);
      const option = argv.slice(0, argv[0] === '-o' || argv[1] !== 'web' ? 2 : 1).join(' ');
      expect(error.code).toBe('SshOptionUnsupported');
      expect(error.message).toContain(`cannot honour ${option}`);
      expect(error.actions.join(' ')).toContain('without --native-ssh');
    }
    expect(refusal(['-X', 'web'], 'no-ssh-on-path').actions.join(' ')).toContain('apt-get install openssh-client');
  });

  it('accepts the no-op spellings of what it does not do: -e none, -F none, -S none, ControlPath=none', () => {
    expect(() =>
      plan(['-e', 'none', '-F', 'none', '-S', 'none', '-x', '-k', 'web', '-o', 'ControlPath=none']),
    ).not.toThrow();
    expect(() => plan(['-o', 'StrictHostKeyChecking=accept-new', '-o', 'BatchMode=yes', 'web'])).not.toThrow();
  });

  it('refuses malformed values as ssh does', () => {
    for (const argv of [
      ['-L', '8080', 'web'],
      ['-p', '0', 'web'],
      ['-o', 'ConnectTimeout=soon', 'web'],
      ['-o', 'Compression=maybe', 'web'],
      ['-o', 'RequestTTY=sometimes', 'web'],
      ['-W', 'nohost', 'web'],
    ])
      expect(() => plan(argv), argv.join(' ')).toThrow(SshOptionInvalidError);
  });
});
