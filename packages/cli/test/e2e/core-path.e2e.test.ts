import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashWithBerth, berthOnPath, runBerth, runBerthOk, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

describe('berth: create a Docker host over SSH, use it with docker, remove it', () => {
  let session: TestSession;
  let fresh: TestHost;
  let adopt: TestHost;
  let store: string;
  let bin: string;
  let work: string;

  /**
   * A shell line with the store and `berth` on PATH, as a user types it. SHELL is left unset, as
   * under cron and CI runners: `berth env` must find the shell by itself.
   */
  const bash = (script: string) => bashWithBerth(script, { store, binDir: bin, unset: ['SHELL'] });

  beforeAll(async () => {
    session = await TestSession.create();
    [fresh, adopt] = await Promise.all([session.startHost(), session.startHost({ variant: 'adopt' })]);
    store = await mkdtemp(join(tmpdir(), 'berth-store-'));
    work = await mkdtemp(join(tmpdir(), 'berth-work-'));
    bin = await berthOnPath();
  });

  afterAll(async () => {
    await session?.clean();
    for (const dir of [store, work, bin]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates a machine on a host without Docker: installs through the install URL and secures it', async () => {
    const run = await runBerthOk(
      [
        'create',
        '-d',
        'generic',
        '--generic-ip-address',
        fresh.address,
        '--generic-ssh-user',
        fresh.sudoUser,
        '--generic-ssh-key',
        fresh.privateKeyPath,
        '--engine-install-url',
        session.installScriptUrl,
        '--engine-label',
        'env=test',
        'web',
      ],
      { store },
    );
    expect(run.stdout.split('\n')).toEqual([
      `Creating CA: ${store}/certs/ca.pem`,
      `Creating client certificate: ${store}/certs/cert.pem`,
      'Running pre-create checks...',
      'Creating machine...',
      '(web) Importing SSH key...',
      'Waiting for machine to be running, this may take a few minutes...',
      'Detecting operating system of created instance...',
      'Waiting for SSH to be available...',
      'Detecting the provisioner...',
      'Provisioning with debian...',
      'Installing Docker...',
      'Copying certs to the local machine directory...',
      'Copying certs to the remote machine...',
      'Setting Docker configuration on the remote daemon...',
      'Checking connection to Docker...',
      'Docker is up and running!',
      'To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: berth env web',
      '',
    ]);
    expect(session.installScriptFetches()).toBe(1);
    expect((await stat(join(store, 'machines/web/id_rsa'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(store, 'machines/web'))).mode & 0o777).toBe(0o700);
  });

  it('docker $(berth config) and eval $(berth env) drive the engine over TLS, and a container runs', async () => {
    const version = await bash("docker $(berth config web) version --format '{{.Server.Version}}'");
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const tiny = session.images.tiny;
    const script = [
      'set -e',
      'eval $(berth env web)',
      `test "$DOCKER_HOST" = "tcp://${fresh.address}:2376"`,
      "docker info --format '{{.Name}} {{json .Labels}}'",
      `docker load -i ${session.images.tinyTar} >/dev/null`,
      `docker run --rm ${tiny} echo hello-from-berth`,
    ].join('\n');
    const used = await bash(script);
    expect(used.code, used.stderr).toBe(0);
    const [name, labels] = used.stdout.split('\n')[0]?.split(' ') ?? [];
    expect(name).toBe('web');
    expect(JSON.parse(labels ?? '[]').sort()).toEqual(['env=test', 'provider=generic']);
    expect(used.stdout).toContain('hello-from-berth');
  });

  it('ls shows the machine Running with its URL and engine version; ip, url, status, inspect agree', async () => {
    const engine = (await bash("docker $(berth config web) version --format '{{.Server.Version}}'")).stdout.trim();
    const ls = await runBerthOk(['ls'], { store });
    const [header, row] = ls.stdout.split('\n');
    expect(header).toMatch(/^NAME\s+ACTIVE\s+DRIVER\s+STATE\s+URL\s+SWARM\s+DOCKER\s+ERRORS$/);
    expect(row?.split(/\s+/).filter(Boolean)).toEqual([
      'web',
      '-',
      'generic',
      'Running',
      `tcp://${fresh.address}:2376`,
      `v${engine}`,
    ]);
    expect((await runBerthOk(['ls', '-q'], { store })).stdout).toBe('web\n');
    expect((await runBerthOk(['ip', 'web'], { store })).stdout).toBe(`${fresh.address}\n`);
    expect((await runBerthOk(['url', 'web'], { store })).stdout).toBe(`tcp://${fresh.address}:2376\n`);
    expect((await runBerthOk(['status', 'web'], { store })).stdout).toBe('Running\n');
    expect((await runBerthOk(['version', 'web'], { store })).stdout).toBe(`${engine}\n`);
    const inspect = await runBerthOk(['inspect', 'web'], { store });
    expect(inspect.stdout).toBe(`${await readFile(join(store, 'machines/web/config.json'), 'utf8')}\n`);
    const active = await runBerth(['active'], { store, env: { DOCKER_HOST: `tcp://${fresh.address}:2376` } });
    expect(active.stdout).toBe('web\n');
  });

  it('ssh runs commands and scp copies both ways, recursively too', async () => {
    expect((await runBerthOk(['ssh', 'web', '--', 'hostname'], { store })).stdout.trim()).toBe('web');
    expect((await runBerthOk(['ssh', 'web', 'echo', 'no-dashes'], { store })).stdout.trim()).toBe('no-dashes');
    const failing = await runBerth(['ssh', 'web', 'exit 7'], { store });
    expect(failing.code).toBe(7);
    await writeFile(join(work, 'hello.txt'), 'hello over sftp\n');
    await runBerthOk(['scp', join(work, 'hello.txt'), 'web:/tmp/hello.txt'], { store });
    expect((await runBerthOk(['ssh', 'web', 'cat /tmp/hello.txt'], { store })).stdout).toBe('hello over sftp\n');
    await mkdir(join(work, 'tree/sub'), { recursive: true });
    await writeFile(join(work, 'tree/sub/deep.txt'), 'deep\n');
    await runBerthOk(['scp', '-r', join(work, 'tree'), 'web:/tmp/'], { store });
    await runBerthOk(['scp', '-r', 'web:/tmp/tree', join(work, 'back')], { store });
    expect(await readFile(join(work, 'back/sub/deep.txt'), 'utf8')).toBe('deep\n');
  });

  it('regenerate-certs -f issues a new server certificate and docker keeps working', async () => {
    const before = await readFile(join(store, 'machines/web/server.pem'), 'utf8');
    const run = await runBerthOk(['regenerate-certs', '-f', 'web'], { store });
    expect(run.stdout).toContain('Regenerating TLS certificates');
    const after = await readFile(join(store, 'machines/web/server.pem'), 'utf8');
    expect(after).not.toBe(before);
    expect((await fresh.mustExec('cat /etc/docker/server.pem')).trim()).toBe(after.trim());
    const version = await bash("docker $(berth config web) version --format '{{.Server.Version}}'");
    expect(version.code, version.stderr).toBe(0);
  });

  it('adopts a host with a socket-activated docker.io, then provisions and regenerates twice, each within a bound', async () => {
    const created = await runBerthOk(genericCreateArgs(adopt, 'adopted'), { store });
    expect(created.stdout).toContain('Docker is already installed on the machine, adopting it...');
    expect(created.stdout).not.toContain('Installing Docker...');
    for (const command of [['provision'], ['regenerate-certs', '-f'], ['provision'], ['regenerate-certs', '-f']]) {
      const run = await runBerth([...command, 'adopted'], { store, timeoutMs: 120_000 });
      expect(run.code, `${command.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.ms).toBeLessThan(60_000);
      // Something touching the socket (Docker Machine's `docker --version`) must not bring back
      // a daemon without TLS.
      await adopt.mustExec('docker version >/dev/null 2>&1; systemctl restart docker.socket');
      const version = await bash("docker $(berth config adopted) version --format '{{.Server.Version}}'");
      expect(version.code, version.stderr).toBe(0);
    }
  });

  it('restart reboots the host over SSH, takes the dropped connection as the reboot, and docker works after', async () => {
    const bootBefore = (await adopt.mustExec("cut -d' ' -f22 /proc/1/stat")).trim();
    const run = await runBerth(['restart', 'adopted'], { store, timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Restarting "adopted"...');
    await adopt.waitForSsh();
    expect((await adopt.mustExec("cut -d' ' -f22 /proc/1/stat")).trim()).not.toBe(bootBefore);
    const version = await bash("docker $(berth config adopted) version --format '{{.Server.Version}}'");
    expect(version.code, version.stderr).toBe(0);
    const stop = await runBerth(['stop', 'adopted'], { store });
    expect(stop.code).toBe(1);
    expect(stop.stdout).toBe('Stopping "adopted"...\n');
    expect(stop.stderr).toContain('generic driver does not support stop');
  });

  it('upgrade upgrades the engine package that is really installed (docker.io here) and the engine answers after', async () => {
    const run = await runBerth(['upgrade', 'adopted'], { store, timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Upgrading docker...');
    expect(run.stdout).toMatch(/Docker on "adopted": docker\.io \S+ -> \S+/);
    const version = await bash("docker $(berth config adopted) version --format '{{.Server.Version}}'");
    expect(version.code, version.stderr).toBe(0);
  });

  it('multi-machine forms act on every machine concurrently, with docker-machine guards and messages', async () => {
    const stop = await runBerth(['stop', 'web', 'adopted'], { store });
    expect(stop.code).toBe(1);
    expect(stop.stdout.split('\n').sort()).toEqual(['', 'Stopping "adopted"...', 'Stopping "web"...']);
    expect(stop.stderr.match(/generic driver does not support stop/g)).toHaveLength(2);
    const start = await runBerth(['start', 'web', 'adopted'], { store });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('Machine "web" is already running.');
    expect(start.stderr).toContain('Machine "adopted" is already running.');
    const ips = await runBerthOk(['ip', 'web', 'adopted'], { store });
    expect(ips.stdout.trim().split('\n').sort()).toEqual([adopt.address, fresh.address].sort());
  });

  it('rm -y removes machines from the store and leaves the hosts running', async () => {
    const run = await runBerthOk(['rm', '-y', 'web', 'adopted'], { store });
    expect(run.stdout).toBe(
      'About to remove web, adopted\nWARNING: This action will delete both local reference and remote instance.\n' +
        'Successfully removed web\nSuccessfully removed adopted\n',
    );
    expect((await runBerthOk(['ls', '-q'], { store })).stdout).toBe('');
    await expect(stat(join(store, 'machines/web'))).rejects.toThrow();
    expect((await fresh.exec('true')).code).toBe(0);
  });
});
