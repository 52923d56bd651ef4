import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCaAndClientCert } from '../../src/certs/index.js';
import { provisionMachine } from '../../src/provision/index.js';
import { SshSession } from '../../src/ssh/index.js';
import { defaultAuthOptions, defaultEngineOptions, storeAt } from '../../src/store/index.js';

describe('core/provision on real Debian 12 hosts', () => {
  let session: TestSession;
  let fresh: TestHost;
  let adopt: TestHost;
  let storeRoot: string;

  beforeAll(async () => {
    session = await TestSession.create();
    [fresh, adopt] = await Promise.all([session.startHost(), session.startHost({ variant: 'adopt' })]);
    storeRoot = await mkdtemp(join(tmpdir(), 'berth-provision-'));
    await ensureCaAndClientCert(join(storeRoot, 'certs'));
  });

  afterAll(async () => {
    await session?.clean();
    if (storeRoot) await rm(storeRoot, { recursive: true, force: true });
  });

  async function provision(host: TestHost, name: string, user = 'root') {
    const store = storeAt(storeRoot);
    const auth = defaultAuthOptions(store, name);
    await mkdir(auth.StorePath, { recursive: true });
    const engine = { ...defaultEngineOptions(), InstallURL: session.installScriptUrl, Labels: ['env=test'] };
    engine.Env = ['HTTP_PROXY=http://127.0.0.1:3128'];
    engine.ArbitraryFlags = ['log-level=warn'];
    const lines: string[] = [];
    const ssh = await SshSession.connect({ host: host.address, port: 22, user, keyPath: host.privateKeyPath });
    const started = Date.now();
    try {
      const result = await provisionMachine({
        machineName: name,
        driverName: 'generic',
        ssh,
        engine,
        auth,
        ip: host.address,
        engineUrl: `tcp://${host.address}:2376`,
        progress: (line) => lines.push(line),
      });
      return { result, lines, seconds: (Date.now() - started) / 1000, auth };
    } finally {
      ssh.close();
    }
  }

  async function dockerCli(auth: { StorePath: string }, host: TestHost, ...args: string[]) {
    const tls = ['--tlsverify', `--tlscacert=${auth.StorePath}/ca.pem`, `--tlscert=${auth.StorePath}/cert.pem`];
    tls.push(`--tlskey=${auth.StorePath}/key.pem`, `-H=tcp://${host.address}:2376`);
    return runCommand('docker', [...tls, ...args]);
  }

  it('installs the engine on a fresh host through the install script and secures it with TLS', async () => {
    const { result, lines, auth } = await provision(fresh, 'fresh-one', 'berth');
    expect(result).toMatchObject({ provisioner: 'debian', adopted: false });
    expect(lines).toContain('Installing Docker...');
    expect(session.installScriptFetches()).toBe(1);
    const version = await dockerCli(auth, fresh, 'version', '--format', '{{.Server.Version}}');
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(result.engineVersion);
    // The docker CLI refuses the engine without a client certificate: TLS is really enforced.
    const anonymous = await runCommand('docker', ['--tls', `-H=tcp://${fresh.address}:2376`, 'version']);
    expect(anonymous.code).not.toBe(0);
    expect((await fresh.mustExec('hostname')).trim()).toBe('fresh-one');
    expect(await fresh.mustExec('cat /etc/hosts')).toMatch(/^127\.0\.1\.1 fresh-one$/m);
    const dropIn = await fresh.mustExec('cat /etc/systemd/system/docker.service.d/10-machine.conf');
    expect(dropIn).toContain('ExecStart=/usr/sbin/dockerd -H tcp://0.0.0.0:2376 -H fd://');
    expect(dropIn).toContain('--label env=test --label provider=generic');
    expect(dropIn).toContain('Environment=HTTP_PROXY=http://127.0.0.1:3128');
    const info = await dockerCli(auth, fresh, 'info', '--format', '{{json .Labels}}');
    expect(info.stdout).toContain('provider=generic');
  });

  it('adopts a socket-activated docker.io and re-provisions it twice, each cleanly and within a bound', async () => {
    expect((await adopt.mustExec('systemctl is-enabled docker.socket')).trim()).toBe('enabled');
    const timings: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const { result, auth, seconds } = await provision(adopt, 'adopted');
      timings.push(seconds);
      expect(result.adopted).toBe(true);
      // Touch the socket the way Docker Machine's `docker --version` did: the daemon systemd
      // brings back must still be the TLS-configured one.
      await adopt.mustExec('docker version >/dev/null; systemctl restart docker.socket docker.service');
      const version = await dockerCli(auth, adopt, 'version', '--format', '{{.Server.Version}}');
      expect(version.code, version.stderr).toBe(0);
      const serverCert = await readFile(join(auth.StorePath, 'server.pem'), 'utf8');
      expect((await adopt.mustExec('cat /etc/docker/server.pem')).trim()).toBe(serverCert.trim());
    }
    for (const seconds of timings) expect(seconds).toBeLessThan(90);
  });

  it('refuses an OS it does not know, naming it', async () => {
    await fresh.mustExec(
      'cp /etc/os-release /root/os-release.bak && printf \'ID=plan9\\nPRETTY_NAME="Plan 9"\\n\' > /etc/os-release',
    );
    try {
      await expect(provision(fresh, 'fresh-one')).rejects.toMatchObject({
        code: 'UnsupportedOs',
        message: expect.stringContaining('Plan 9'),
      });
    } finally {
      await fresh.mustExec('cp /root/os-release.bak /etc/os-release');
    }
  });
});
