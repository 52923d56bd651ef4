import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshSession, waitForSsh } from '../../src/ssh/index.js';

describe('core/ssh against a real OpenSSH 9.2 host', () => {
  let session: TestSession;
  let host: TestHost;
  let dir: string;
  let tarpit: Server;
  let tarpitPort: number;

  beforeAll(async () => {
    session = await TestSession.create();
    host = await session.startHost();
    dir = await mkdtemp(join(tmpdir(), 'berth-ssh-'));
    // Accepts TCP and never speaks: a host that hangs mid-handshake.
    tarpit = createServer(() => {});
    await new Promise<void>((r) => tarpit.listen(0, '127.0.0.1', () => r()));
    tarpitPort = (tarpit.address() as { port: number }).port;
  });

  afterAll(async () => {
    tarpit?.close();
    await session?.clean();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const connect = (extra: Partial<Parameters<typeof SshSession.connect>[0]> = {}) =>
    SshSession.connect({
      host: host.address,
      port: 22,
      user: 'root',
      keyPath: host.privateKeyPath,
      ...extra,
    });

  const acceptedLogins = async () =>
    Number((await host.mustExec("journalctl -u ssh --no-pager | grep -c 'Accepted publickey' || true")).trim());

  it('runs many commands over one connection with exit codes, stderr and stdin (RSA key, SHA-2 signature)', async () => {
    const before = await acceptedLogins();
    const ssh = await connect();
    try {
      expect(await ssh.run('echo out; echo err >&2; exit 3')).toMatchObject({
        code: 3,
        stdout: 'out\n',
        stderr: 'err\n',
      });
      expect((await ssh.run('cat', { input: 'piped' })).stdout).toBe('piped');
      const chunks: string[] = [];
      await ssh.run('for i in 1 2 3; do echo $i; sleep 0.1; done', { onStdout: (c) => chunks.push(c) });
      expect(chunks.join('')).toBe('1\n2\n3\n');
    } finally {
      ssh.close();
    }
    // Three commands, one login: sshd accepted exactly one more key (plus the counting login itself).
    expect((await acceptedLogins()) - before).toBe(2);
  });

  it('uses sudo for a non-root user and uploads files atomically', async () => {
    const ssh = await connect({ user: 'berth' });
    try {
      expect((await ssh.runChecked('id -u', { sudo: true })).trim()).toBe('0');
      await ssh.upload('/etc/berth-upload-test', 'hello\n', { sudo: true, mode: '0600' });
      expect(await host.mustExec('stat -c %a:%U /etc/berth-upload-test; cat /etc/berth-upload-test')).toBe(
        '600:root\nhello\n',
      );
      await expect(ssh.runChecked('exit 4')).rejects.toThrow(/exited 4/);
    } finally {
      ssh.close();
    }
  });

  it('pins the host key on first contact and refuses a changed key with a way to accept it', async () => {
    const knownHostsFile = join(dir, 'pin_known_hosts');
    (await connect({ knownHostsFile })).close();
    expect(await readFile(knownHostsFile, 'utf8')).toContain(`[${host.address}]:22 ssh-ed25519 `);
    (await connect({ knownHostsFile })).close();
    await host.mustExec(
      'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A -q 2>/dev/null; ssh-keygen -A && systemctl restart ssh',
    );
    const error = await connect({ knownHostsFile }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SshHostKeyChanged' });
    expect((error as { actions: string[] }).actions.join(' ')).toContain(`ssh-keygen -R "[${host.address}]:22"`);
  });

  it('gives typed errors for a wrong key, a wrong user, a refused port and a silent host, in bounded time', async () => {
    const wrongKey = generateKeyPair().privateKey;
    await expect(connect({ privateKey: wrongKey, keyPath: undefined })).rejects.toMatchObject({ code: 'SshAuth' });
    await expect(connect({ user: 'nobody-here' })).rejects.toMatchObject({ code: 'SshAuth' });
    await expect(connect({ host: '127.0.0.1', port: 1, knownHostsFile: undefined })).rejects.toMatchObject({
      code: 'SshConnect',
    });
    const started = Date.now();
    await expect(
      connect({ host: '127.0.0.1', port: tarpitPort, knownHostsFile: undefined, timeoutMs: 1_500 }),
    ).rejects.toMatchObject({ code: 'SshTimeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const waited = Date.now();
    await expect(
      waitForSsh({ host: '127.0.0.1', port: 1, user: 'root', keyPath: host.privateKeyPath }, { timeoutMs: 2_000 }),
    ).rejects.toMatchObject({ code: 'SshConnect' });
    expect(Date.now() - waited).toBeLessThan(5_000);
  });

  it('bounds every remote command and reports a dropped connection', async () => {
    const ssh = await connect();
    try {
      const started = Date.now();
      await expect(ssh.run('sleep 30', { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'Timeout' });
      expect(Date.now() - started).toBeLessThan(5_000);
      const result = await ssh.run('systemctl reboot; sleep 60', { timeoutMs: 60_000 });
      expect(result.code).toBeNull();
      expect(result.connectionLost).toBe(true);
    } finally {
      ssh.close();
    }
    await host.waitForSsh(120_000);
  });
});
