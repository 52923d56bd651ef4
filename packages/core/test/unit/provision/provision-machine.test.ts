import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isBerthError } from '@berth/driver-protocol';
import { DEBIAN_12_DOCKER_VERSION, type ScriptedDebianHost } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { DROP_IN_PATH } from '../../../src/provision/index.js';
import {
  type DebianHostOptions,
  type ProvisionRun,
  provisionOver,
  useScriptedHosts,
} from './support/scripted-provision.js';

const hosts = useScriptedHosts();
let host: ScriptedDebianHost;

async function startHost(options?: DebianHostOptions): Promise<ScriptedDebianHost> {
  host = await hosts.start(options);
  return host;
}

const provision = (run: ProvisionRun) => provisionOver(hosts.store, host, run);

const upload = (path: string, mode: string) =>
  `cat > ${path}.berth-tmp && chmod ${mode} ${path}.berth-tmp && mv -f ${path}.berth-tmp ${path}`;

/** What the Debian provisioner runs on a host whose engine is installed, in order. */
const ADOPT_SCRIPTS = (name: string) => [
  'cat /etc/os-release',
  expect.stringMatching(/^if command -v cloud-init >\/dev\/null 2>&1; then cloud-init status --wait/),
  expect.stringMatching(new RegExp(`^hostname ${name} && echo ${name} > /etc/hostname && `)),
  'command -v dockerd || test -x /usr/sbin/dockerd || test -x /usr/bin/dockerd',
  expect.stringMatching(/^command -v dockerd \|\| \{ for p in /),
  'systemctl show -p LoadState --value docker.socket',
  'mkdir -p /etc/docker',
  upload('/etc/docker/ca.pem', '0644'),
  upload('/etc/docker/server.pem', '0644'),
  upload('/etc/docker/server-key.pem', '0600'),
  'mkdir -p /etc/systemd/system/docker.service.d',
  upload(DROP_IN_PATH, '0644'),
  'systemctl daemon-reload && systemctl enable docker.service >/dev/null 2>&1; systemctl restart docker.service',
];

describe('provisionMachine over SSH against a scripted Debian 12 host', () => {
  it('adopts an installed engine: one connection, the steps in order, the certs and drop-in it writes', async () => {
    await startHost();
    const { result, lines, auth } = await provision({
      name: 'web',
      engine: { Labels: ['env=test'], ArbitraryFlags: ['log-level=warn'], Env: ['HTTP_PROXY=http://127.0.0.1:3128'] },
      tlsSans: ['legacy.example.test'],
    });

    expect(result).toEqual({ provisioner: 'debian', engineVersion: DEBIAN_12_DOCKER_VERSION, adopted: true });
    expect(lines).toEqual([
      'Detecting the provisioner...',
      'Provisioning with debian...',
      'Docker is already installed on the machine, adopting it...',
      'Copying certs to the local machine directory...',
      'Copying certs to the remote machine...',
      'Setting Docker configuration on the remote daemon...',
    ]);
    expect(host.scripts()).toEqual(ADOPT_SCRIPTS('web'));
    expect(host.ssh.unanswered).toEqual([]);
    expect(host.ssh.connections).toBe(1);
    // As root nothing needs sudo.
    expect(host.execs.some((exec) => exec.sudo)).toBe(false);

    // The remote certs are the store's CA and the machine's new server pair, the key private.
    const caPem = await readFile(auth.CaCertPath, 'utf8');
    const serverPem = await readFile(join(auth.StorePath, 'server.pem'), 'utf8');
    const serverKeyPem = await readFile(join(auth.StorePath, 'server-key.pem'), 'utf8');
    expect(host.files.get('/etc/docker/ca.pem')).toEqual({ content: caPem, mode: '0644' });
    expect(host.files.get('/etc/docker/server.pem')).toEqual({ content: serverPem, mode: '0644' });
    expect(host.files.get('/etc/docker/server-key.pem')).toEqual({ content: serverKeyPem, mode: '0600' });
    const server = new X509Certificate(serverPem);
    expect(server.subjectAltName).toBe('DNS:legacy.example.test, IP Address:127.0.0.1, DNS:localhost, DNS:web');
    expect(server.checkIssued(new X509Certificate(caPem))).toBe(true);
    // The client side is copied into the machine directory, as docker-machine does.
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
      expect(await readFile(join(auth.StorePath, file), 'utf8')).toBe(
        await readFile(join(hosts.store.store.certsDir, file), 'utf8'),
      );
    }

    expect(host.files.get(DROP_IN_PATH)).toEqual({
      mode: '0644',
      content: [
        '[Service]',
        'ExecStart=',
        `ExecStart=/usr/sbin/dockerd -H tcp://0.0.0.0:${host.engine.port} -H fd:// --storage-driver overlay2 ` +
          '--tlsverify --tlscacert /etc/docker/ca.pem --tlscert /etc/docker/server.pem --tlskey /etc/docker/server-key.pem ' +
          '--label env=test --label provider=generic --log-level=warn',
        'Environment=HTTP_PROXY=http://127.0.0.1:3128',
        '',
      ].join('\n'),
    });
    expect(host.hostname).toBe('web');
    expect(host.files.get('/etc/hosts')?.content).toMatch(/^127\.0\.1\.1 web$/m);
    // The engine came up with those files and answered Berth's client certificate over TLS.
    expect(host.restarts).toBe(1);
    expect(host.engine.requests).toBeGreaterThanOrEqual(1);
  });

  it('installs the engine on a fresh host as a sudo user, from the install URL given', async () => {
    await startHost({ dockerInstalled: false, socketActivated: false });
    const installUrl = 'http://10.0.0.1:8080/install.sh';
    const { result, lines } = await provision({
      name: 'fresh',
      user: 'berth',
      engine: { InstallURL: installUrl },
    });

    expect(result).toMatchObject({ provisioner: 'debian', adopted: false });
    expect(lines).toContain('Installing Docker...');
    expect(lines).not.toContain('Docker is already installed on the machine, adopting it...');
    expect(host.installs).toEqual([installUrl]);
    const scripts = host.scripts();
    const check = scripts.indexOf('command -v dockerd || test -x /usr/sbin/dockerd || test -x /usr/bin/dockerd');
    expect(scripts.slice(check + 1, check + 3)).toEqual([
      expect.stringMatching(/^command -v curl >\/dev\/null \|\| \{ DEBIAN_FRONTEND=noninteractive apt-get /),
      `curl -fsSL ${installUrl} | sh -`,
    ]);
    expect(host.ssh.unanswered).toEqual([]);
    // What changes the system goes through `sudo -n`; reading os-release and piping the install
    // script to sh (which elevates itself) do not.
    const sudo = new Map(host.execs.map((exec) => [exec.script, exec.sudo]));
    expect(sudo.get('cat /etc/os-release')).toBe(false);
    expect(sudo.get(`curl -fsSL ${installUrl} | sh -`)).toBe(false);
    expect(sudo.get('mkdir -p /etc/docker')).toBe(true);
    expect(sudo.get(upload('/etc/docker/server-key.pem', '0600'))).toBe(true);
    expect(host.execs.every((exec) => exec.user === 'berth')).toBe(true);
    // No docker.socket: the daemon keeps its own unix socket.
    expect(host.files.get(DROP_IN_PATH)?.content).toContain(
      `-H tcp://0.0.0.0:${host.engine.port} -H unix:///var/run/docker.sock `,
    );
    expect(host.engine.running).toBe(true);
  });

  it('refuses an OS it has no provisioner for, naming it, before changing anything', async () => {
    await startHost({ osRelease: 'ID=plan9\nPRETTY_NAME="Plan 9 from Bell Labs"\n' });
    const error = await provision({ name: 'plan9' }).catch((e: unknown) => e);
    expect(isBerthError(error) && error.code).toBe('UnsupportedOs');
    expect((error as Error).message).toContain('Plan 9 from Bell Labs');
    expect(host.scripts()).toEqual(['cat /etc/os-release']);
  });

  it('stops at a failing step with ProvisionFailed naming the step and what the host said', async () => {
    await startHost({
      rules: [
        {
          match: /systemctl restart docker\.service$/,
          reply: { code: 1, stderr: 'Job for docker.service failed because the control process exited.\n' },
        },
      ],
    });
    const error = await provision({ name: 'broken' }).catch((e: unknown) => e);
    expect(isBerthError(error) && error.code).toBe('ProvisionFailed');
    if (!isBerthError(error)) return;
    expect(error.data.step).toBe('restarting the Docker daemon');
    expect(error.message).toContain('exit status 1: Job for docker.service failed');
    expect(host.scripts().at(-1)).toMatch(/systemctl restart docker\.service$/);
    expect(host.engine.running).toBe(false);
  });

  it('ends a step that hangs as soon as the caller aborts, with Cancelled', async () => {
    let reached: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => {
      reached = resolve;
    });
    await startHost({
      rules: [
        {
          match: /^if command -v cloud-init /,
          reply: () => {
            reached();
            return new Promise(() => undefined);
          },
        },
      ],
    });
    const controller = new AbortController();
    const run = provision({ name: 'patient', signal: controller.signal }).catch((e: unknown) => e);
    await hanging;
    const aborted = Date.now();
    controller.abort(new Error('Ctrl-C'));
    const error = await run;
    expect(Date.now() - aborted).toBeLessThan(500);
    expect(isBerthError(error) && error.code).toBe('Cancelled');
    expect((error as Error).message).toBe('Interrupted while waiting for cloud-init');
    expect(host.scripts()).toHaveLength(2);
  });
});
