import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerth, runBerthOk, runCommand, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

describe('berth on a boot2docker host: create, regenerate-certs and provision through /etc/init.d/docker', () => {
  let session: TestSession;
  let host: TestHost;
  let store: string;

  beforeAll(async () => {
    session = await TestSession.create();
    host = await session.startHost({ variant: 'boot2docker' });
    store = await mkdtemp(join(tmpdir(), 'berth-store-'));
  });

  afterAll(async () => {
    await session?.clean();
    if (store) await rm(store, { recursive: true, force: true });
  });

  const machineDir = () => join(store, 'machines', 'b2d');

  /** The real docker CLI over TLS with the machine's client files, as `berth config` would set it up. */
  const docker = (...args: string[]) => {
    const dir = machineDir();
    const tls = ['--tlsverify', `--tlscacert=${dir}/ca.pem`, `--tlscert=${dir}/cert.pem`, `--tlskey=${dir}/key.pem`];
    return runCommand('docker', [...tls, `-H=tcp://${host.address}:2376`, ...args], { timeoutMs: 60_000 });
  };

  async function expectEngineAnswers(): Promise<void> {
    const version = await docker('version', '--format', '{{.Server.Version}}');
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }

  /** The profile of §6.4 for this machine: generic driver, the label given, port 2376, overlay2. */
  const EXPECTED_PROFILE = [
    '',
    "EXTRA_ARGS='",
    '--label env=b2d-test',
    '--label provider=generic',
    '',
    "'",
    'CACERT=/var/lib/boot2docker/ca.pem',
    "DOCKER_HOST='-H tcp://0.0.0.0:2376'",
    'DOCKER_STORAGE=overlay2',
    'DOCKER_TLS=auto',
    'SERVERKEY=/var/lib/boot2docker/server-key.pem',
    'SERVERCERT=/var/lib/boot2docker/server.pem',
    '',
    '',
  ].join('\n');

  const daemonPid = async () => (await host.mustExec('cat /var/run/docker.pid')).trim();

  it('create -d generic as `docker` provisions it as boot2docker: profile, certs, init script, TLS', async () => {
    // Before: the daemon boot2docker starts at boot runs, and systemd's docker unit is masked.
    expect((await host.exec('systemctl is-enabled docker.service')).stdout.trim()).toBe('masked');
    const booted = await host.exec('for i in $(seq 60); do /etc/init.d/docker status && exit 0; sleep 1; done; exit 1');
    expect(booted.stdout.trim().split('\n').at(-1)).toBe('Docker daemon is running');

    const run = await runBerthOk(
      genericCreateArgs(host, 'b2d', { extra: ['--generic-ssh-user', 'docker', '--engine-label', 'env=b2d-test'] }),
      { store, timeoutMs: 300_000 },
    );
    expect(run.stdout).toContain('Detecting the provisioner...\nProvisioning with boot2docker...\n');
    expect(run.stdout).toContain('Setting Docker configuration on the remote daemon...\n');
    expect(run.stdout).toContain('Checking connection to Docker...\nDocker is up and running!\n');
    expect(run.stdout).not.toMatch(/Installing Docker|adopting it/);

    await expectEngineAnswers();
    const info = await docker('info', '--format', '{{.Name}} {{.Driver}} {{json .Labels}}');
    expect(info.code, info.stderr).toBe(0);
    const [name, driver, labels] = info.stdout.trim().split(' ');
    expect([name, driver]).toEqual(['b2d', 'overlay2']);
    expect(JSON.parse(labels ?? '[]').sort()).toEqual(['env=b2d-test', 'provider=generic']);

    expect(await host.mustExec('cat /var/lib/boot2docker/profile')).toBe(EXPECTED_PROFILE);
    const serverPem = await readFile(join(machineDir(), 'server.pem'), 'utf8');
    expect(await host.mustExec('cat /var/lib/boot2docker/server.pem')).toBe(serverPem);
    expect(await host.mustExec('cat /var/lib/boot2docker/ca.pem')).toBe(
      await readFile(join(store, 'certs/ca.pem'), 'utf8'),
    );
    expect((await host.mustExec('stat -c %a /var/lib/boot2docker/server-key.pem')).trim()).toBe('600');
    expect(await host.mustExec('hostname; cat /var/lib/boot2docker/etc/hostname')).toBe('b2d\nb2d\n');
    // Still not systemd's: the daemon is the init script's, with the profile's TLS flags.
    expect((await host.exec('systemctl is-active docker.service')).stdout.trim()).not.toBe('active');
    const cmdline = await host.mustExec(`tr '\\0' ' ' < /proc/${await daemonPid()}/cmdline`);
    expect(cmdline).toContain('--tlsverify --tlscacert /var/lib/boot2docker/ca.pem');
  });

  it('regenerate-certs -f issues a new server certificate, restarts dockerd through init.d, docker answers', async () => {
    const pidBefore = await daemonPid();
    const before = await readFile(join(machineDir(), 'server.pem'), 'utf8');
    const run = await runBerthOk(['regenerate-certs', '-f', 'b2d'], { store, timeoutMs: 300_000 });
    expect(run.stdout).toContain('Regenerating TLS certificates');
    const after = await readFile(join(machineDir(), 'server.pem'), 'utf8');
    expect(after).not.toBe(before);
    expect(await host.mustExec('cat /var/lib/boot2docker/server.pem')).toBe(after);
    expect(await daemonPid()).not.toBe(pidBefore);
    await expectEngineAnswers();
  });

  it('provision runs again with the stored options: same profile, restarted daemon, docker answers', async () => {
    const pidBefore = await daemonPid();
    const run = await runBerth(['provision', 'b2d'], { store, timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(await host.mustExec('cat /var/lib/boot2docker/profile')).toBe(EXPECTED_PROFILE);
    expect(await daemonPid()).not.toBe(pidBefore);
    await expectEngineAnswers();
  });

  it('after a reboot the daemon started at boot reads the profile: TLS, the same name, docker answers', async () => {
    const bootBefore = (await host.mustExec("cut -d' ' -f22 /proc/1/stat")).trim();
    const run = await runBerth(['restart', 'b2d'], { store, timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    await host.waitForSsh();
    expect((await host.mustExec("cut -d' ' -f22 /proc/1/stat")).trim()).not.toBe(bootBefore);
    await expectEngineAnswers();
    const info = await docker('info', '--format', '{{.Name}}');
    expect(info.stdout.trim()).toBe('b2d');
  });

  it('upgrade refuses with what to do instead, and leaves the engine answering', async () => {
    const run = await runBerth(['upgrade', 'b2d'], { store, timeoutMs: 120_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Upgrading Docker on Boot2Docker 19.03.12 (TCL 10.1) is not supported yet');
    expect(run.stderr).toContain('berth provision NAME');
    await expectEngineAnswers();
  });
});
