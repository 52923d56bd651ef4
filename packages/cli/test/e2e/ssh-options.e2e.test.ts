// `berth ssh NAME [OpenSSH options] [command]` with both clients (OpenSSH's ssh, found on PATH,
// and the built-in one that `--native-ssh` asks for), and `berth ssh-config` read by the real
// OpenSSH, against one real test host.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bashWithBerth,
  berthOnPath,
  generateKeyPair,
  mustRun,
  runBerth,
  runBerthOk,
  startBerth,
  type TestHost,
  TestSession,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

/** A port nothing listens on yet, chosen by the kernel. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The first bytes a TCP server at 127.0.0.1:port sends, or undefined if it cannot be reached. */
function firstBytes(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(5_000, () => socket.destroy());
    socket.once('data', (chunk) => {
      resolve(chunk.toString('utf8'));
      socket.destroy();
    });
    socket.once('error', () => resolve(undefined));
    socket.once('close', () => resolve(undefined));
  });
}

async function waitForBytes(port: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const bytes = await firstBytes(port);
    if (bytes !== undefined) return bytes;
    if (Date.now() > deadline) throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

describe('berth ssh takes OpenSSH options; berth ssh-config works with OpenSSH', () => {
  let session: TestSession;
  let host: TestHost;
  let store: string;
  let work: string;
  let bin: string;
  let agent: ChildProcess;
  let agentSocket: string;
  let agentKeyFingerprint: string;
  /** Answers every connection with a line, for -R. */
  let greeter: Server;
  let greeterPort: number;
  /** Accepts connections and never says a word, for ConnectTimeout. */
  let silent: Server;
  let silentPort: number;

  beforeAll(async () => {
    session = await TestSession.create();
    host = await session.startHost({ variant: 'adopt' });
    store = await mkdtemp(join(tmpdir(), 'berth-ssh-store-'));
    work = await mkdtemp(join(tmpdir(), 'berth-ssh-work-'));
    bin = await berthOnPath();
    // A real ssh-agent holding a key of its own, so its fingerprint proves which agent answered.
    agentSocket = join(work, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    const key = join(work, 'agent_key');
    await writeFile(key, generateKeyPair('berth-agent-test').privateKey);
    await chmod(key, 0o600);
    greeter = createServer((socket) => socket.end('hello from this side\n'));
    silent = createServer(() => {});
    [greeterPort, silentPort] = await Promise.all([listen(greeter), listen(silent)]);
    await runBerthOk(genericCreateArgs(host, 'web'), { store });
    for (let tries = 0; ; tries += 1) {
      const added = await exitStatus('ssh-add', [key], { SSH_AUTH_SOCK: agentSocket });
      if (added === 0) break;
      if (tries > 50) throw new Error('ssh-agent did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    agentKeyFingerprint = (await mustRun('ssh-keygen', ['-lf', key])).split(' ')[1] as string;
  });

  afterAll(async () => {
    agent?.kill();
    greeter?.close();
    silent?.close();
    await session?.clean();
    for (const dir of [store, work, bin]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  function exitStatus(file: string, args: string[], env: Record<string, string>): Promise<number> {
    return new Promise((resolve) => {
      const child = spawn(file, args, { stdio: 'ignore', env: { ...process.env, ...env } });
      child.on('close', (code) => resolve(code ?? -1));
    });
  }

  describe.each([
    { client: 'OpenSSH (ssh on PATH)', global: [] as string[] },
    { client: 'the built-in client (--native-ssh)', global: ['--native-ssh'] },
  ])('with $client', ({ global }) => {
    const ssh = (args: string[], env: Record<string, string> = {}) =>
      runBerth([...global, 'ssh', ...args], { store, env, timeoutMs: 60_000 });

    it('`ssh web -C echo foo` compresses, then runs `echo foo`', async () => {
      const run = await ssh(['web', '-C', 'echo', 'foo']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('foo\n');
      // -v shows what was negotiated: zlib with -C, nothing without.
      const verbose = await ssh(['web', '-C', '-v', 'true']);
      expect(verbose.stderr).toMatch(/compression: zlib@openssh\.com/);
      const plain = await ssh(['web', '-v', 'true']);
      expect(plain.stderr).toMatch(/compression: none/);
      expect(plain.stderr).not.toMatch(/compression: zlib/);
      // Options before the name, `--`, and the remote exit status.
      expect((await ssh(['-C', 'web', '--', 'echo', '-n', 'bar'])).stdout).toBe('bar');
      expect((await ssh(['web', 'exit 7'])).code).toBe(7);
    });

    it('-N -L forwards a local port to the machine until berth is stopped', async () => {
      const port = await freePort();
      const live = startBerth([...global, 'ssh', 'web', '-N', '-L', `${port}:127.0.0.1:22`], {
        store,
        timeoutMs: 60_000,
      });
      // sshd's banner, read through the forward from the machine's own port 22.
      expect(await waitForBytes(port, 20_000)).toMatch(/^SSH-2\.0-OpenSSH/);
      live.interrupt('SIGTERM');
      const exit = await live.exited;
      expect(exit.afterInterruptMs).toBeLessThan(5_000);
      expect(await firstBytes(port)).toBeUndefined();
    });

    it('-R forwards a port of the machine back to this side; port 0 is allocated by sshd', async () => {
      const remotePort = 20_000 + Math.floor(Math.random() * 20_000);
      const run = await ssh([
        'web',
        '-R',
        `127.0.0.1:${remotePort}:127.0.0.1:${greeterPort}`,
        `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${remotePort}; cat <&3'`,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('hello from this side\n');
      const allocated = await ssh(['web', '-R', `0:127.0.0.1:${greeterPort}`, 'true']);
      expect(allocated.code, allocated.stderr).toBe(0);
      expect(allocated.stderr).toMatch(
        new RegExp(`Allocated port \\d+ for remote forward to 127\\.0\\.0\\.1:${greeterPort}`),
      );
    });

    it('-tt gives the command a terminal, -T and a lone -t without a local terminal do not', async () => {
      const forced = await ssh(['web', '-tt', 'tty']);
      expect(forced.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n$/);
      const none = await ssh(['web', '-T', 'tty']);
      expect(none.stdout).toBe('not a tty\n');
      const asked = await ssh(['web', '-t', 'tty']);
      expect(asked.stdout).toBe('not a tty\n');
      expect(asked.stderr).toContain('Pseudo-terminal will not be allocated because stdin is not a terminal.');
    });

    it('-A forwards the local ssh-agent: the machine lists its key; without -A it sees none', async () => {
      const env = { SSH_AUTH_SOCK: agentSocket };
      const forwarded = await ssh(['web', '-A', 'echo "sock=$SSH_AUTH_SOCK"; ssh-add -l'], env);
      expect(forwarded.code, forwarded.stderr).toBe(0);
      expect(forwarded.stdout).toMatch(/^sock=\/tmp\/ssh-/);
      expect(forwarded.stdout).toContain(agentKeyFingerprint);
      const not = await ssh(['web', 'echo "sock=$SSH_AUTH_SOCK"'], env);
      expect(not.stdout).toBe('sock=\n');
    });

    it('-o ConnectTimeout=2 gives up on a host that never answers after about 2 s', async () => {
      const run = await ssh([
        'web',
        '-o',
        'HostName=127.0.0.1',
        '-p',
        String(silentPort),
        '-o',
        'ConnectTimeout=2',
        'true',
      ]);
      expect(run.code).not.toBe(0);
      expect(run.ms).toBeGreaterThan(1_800);
      expect(run.ms).toBeLessThan(8_000);
      expect(run.stderr).toMatch(/timed out|did not answer within 2 s/);
    });

    it('refuses a letter ssh does not have, naming it, with exit 255 as ssh', async () => {
      const run = await ssh(['web', '-Z', 'true']);
      expect(run.code).toBe(255);
      expect(run.stderr).toContain('ssh option -Z: is not an option of ssh');
    });
  });

  it('the built-in client names an option it cannot honour and how to get the external client', async () => {
    for (const option of [['-X'], ['-D', '1080'], ['-o', 'ProxyJump=bastion']]) {
      const run = await runBerth(['--native-ssh', 'ssh', 'web', ...option, 'true'], { store });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Berth's built-in SSH client cannot honour ${option.join(' ')}`);
      expect(run.stderr).toContain('without --native-ssh');
    }
  });

  it('OpenSSH takes what the built-in client cannot, and reports its own errors', async () => {
    const x11 = await runBerth(['ssh', 'web', '-X', 'echo', 'ok'], { store });
    expect(x11.code, x11.stderr).toBe(0);
    expect(x11.stdout).toBe('ok\n');
    const bad = await runBerth(['ssh', 'web', '-o', 'NoSuchOption=1', 'true'], { store });
    expect(bad.code).toBe(255);
    expect(bad.stderr).toMatch(/Bad configuration option: nosuchoption/i);
  });

  it('`ssh -F FILE web` with the block of `berth ssh-config web` reaches the machine with the real OpenSSH', async () => {
    const block = await runBerthOk(['ssh-config', 'web'], { store });
    expect(block.stdout).toMatch(/^Host web\n {2}HostName \S+\n {2}Port 22\n {2}User root\n/);
    expect(block.stdout).toContain(`  UserKnownHostsFile "${store}/machines/web/known_hosts"\n`);
    expect(block.stdout).toContain('  StrictHostKeyChecking yes\n');
    // Saved to a file, and read from stdin: `ssh -F <(...)` cannot work, ssh closes fds above 2 first.
    const run = await bashWithBerth(
      'berth ssh-config web > "$WORK/web.conf" && ssh -F "$WORK/web.conf" web true && ' +
        'ssh -F /dev/stdin web hostname < <(berth ssh-config web)',
      { store, binDir: bin, env: { WORK: work } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('web\n');
    // A changed host key is refused: the block checks the key Berth pinned.
    await host.mustExec('rm -f /etc/ssh/ssh_host_* && ssh-keygen -A && systemctl restart ssh');
    const changed = await bashWithBerth('ssh -F "$WORK/web.conf" web true', {
      store,
      binDir: bin,
      env: { WORK: work },
    });
    expect(changed.code).toBe(255);
    expect(changed.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    // So does `berth ssh` with OpenSSH, pointing at the machine's known_hosts.
    const refused = await runBerth(['ssh', 'web', 'true'], { store });
    expect(refused.code).toBe(255);
    expect(refused.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(refused.stderr).toContain(`${store}/machines/web/known_hosts`);
  });
});
