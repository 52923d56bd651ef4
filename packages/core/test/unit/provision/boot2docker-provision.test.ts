import { X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isBerthError } from '@berth/driver-protocol';
import {
  BOOT2DOCKER_DOCKER_VERSION,
  ScriptedBoot2DockerHost,
  type ScriptedBoot2DockerHostOptions,
} from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderBoot2DockerProfile } from '../../../src/provision/boot2docker-profile.js';
import { provisionMachine, upgradeEngine } from '../../../src/provision/index.js';
import { SshSession } from '../../../src/ssh/index.js';
import type { EngineOptions } from '../../../src/store/host-config.js';
import { defaultAuthOptions, defaultEngineOptions } from '../../../src/store/new-host-config.js';
import { makeProvisionStore, type ProvisionStore } from './support/scripted-provision.js';

let store: ProvisionStore;
const started: ScriptedBoot2DockerHost[] = [];
beforeAll(async () => {
  store = await makeProvisionStore();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((host) => host.close()));
});
afterAll(async () => {
  await store?.dispose();
});

async function startHost(options: Omit<ScriptedBoot2DockerHostOptions, 'authorizedKey'> = {}) {
  const host = await ScriptedBoot2DockerHost.start({ ...options, authorizedKey: store.key.publicKey });
  started.push(host);
  return host;
}

const connect = (host: ScriptedBoot2DockerHost, user: string) =>
  SshSession.connect({ host: host.ssh.address, port: host.port, user, keyPath: store.keyPath });

/** provisionMachine over one SSH session, as boot2docker's login user `docker` (sudo for root). */
async function provision(host: ScriptedBoot2DockerHost, name: string, engine: Partial<EngineOptions> = {}) {
  const auth = defaultAuthOptions(store.store, name);
  await mkdir(auth.StorePath, { recursive: true });
  const lines: string[] = [];
  const ssh = await connect(host, 'docker');
  try {
    const result = await provisionMachine({
      machineName: name,
      driverName: 'generic',
      ssh,
      engine: { ...defaultEngineOptions(), ...engine },
      auth,
      ip: host.ssh.address,
      engineUrl: host.engine.url,
      progress: (line) => lines.push(line),
      announce: true,
    });
    return { result, lines, auth };
  } finally {
    ssh.close();
  }
}

const upload = (path: string, mode: string) =>
  `cat > ${path}.berth-tmp && chmod ${mode} ${path}.berth-tmp && mv -f ${path}.berth-tmp ${path}`;

/** Every command the boot2docker provisioner runs, in order. */
const B2D_SCRIPTS = (name: string) => [
  'cat /etc/os-release',
  `/usr/bin/sethostname ${name} && mkdir -p /var/lib/boot2docker/etc && echo ${name} > /var/lib/boot2docker/etc/hostname`,
  expect.stringMatching(/^i=0; until \/etc\/init\.d\/docker status >\/dev\/null 2>&1; do .*sleep 1; done$/),
  'mkdir -p /var/lib/boot2docker',
  upload('/var/lib/boot2docker/ca.pem', '0644'),
  upload('/var/lib/boot2docker/server.pem', '0644'),
  upload('/var/lib/boot2docker/server-key.pem', '0600'),
  upload('/var/lib/boot2docker/profile', '0644'),
  '/etc/init.d/docker restart',
];

describe('provisionMachine over SSH against a scripted boot2docker host', () => {
  it('names the host, ships the certs and the profile to /var/lib/boot2docker, restarts through init.d', async () => {
    const host = await startHost();
    const engine = { Labels: ['env=test'], ArbitraryFlags: ['log-level=warn'], Env: ['HTTP_PROXY=http://p:3128'] };
    const { result, lines, auth } = await provision(host, 'b2d', engine);

    expect(result).toEqual({ provisioner: 'boot2docker', engineVersion: BOOT2DOCKER_DOCKER_VERSION, adopted: true });
    expect(lines).toEqual([
      'Detecting the provisioner...',
      'Provisioning with boot2docker...',
      'Copying certs to the local machine directory...',
      'Copying certs to the remote machine...',
      'Setting Docker configuration on the remote daemon...',
    ]);
    expect(host.scripts()).toEqual(B2D_SCRIPTS('b2d'));
    expect(host.ssh.unanswered).toEqual([]);
    expect(host.ssh.connections).toBe(1);
    // Nothing of a systemd or package-managed host: boot2docker has neither.
    expect(host.scripts().join('\n')).not.toMatch(/systemctl|apt-get|curl|dpkg|\/etc\/docker/);
    // As `docker`, everything but reading os-release goes through sudo.
    expect(host.execs.filter((exec) => !exec.sudo).map((exec) => exec.script)).toEqual(['cat /etc/os-release']);
    expect(host.execs.every((exec) => exec.user === 'docker')).toBe(true);

    const caPem = await readFile(auth.CaCertPath, 'utf8');
    const serverPem = await readFile(join(auth.StorePath, 'server.pem'), 'utf8');
    const serverKeyPem = await readFile(join(auth.StorePath, 'server-key.pem'), 'utf8');
    expect(host.files.get('/var/lib/boot2docker/ca.pem')).toEqual({ content: caPem, mode: '0644' });
    expect(host.files.get('/var/lib/boot2docker/server.pem')).toEqual({ content: serverPem, mode: '0644' });
    expect(host.files.get('/var/lib/boot2docker/server-key.pem')).toEqual({ content: serverKeyPem, mode: '0600' });
    expect(new X509Certificate(serverPem).checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(new X509Certificate(serverPem).subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, DNS:b2d');

    expect(host.files.get('/var/lib/boot2docker/profile')).toEqual({
      mode: '0644',
      content: [
        '',
        "EXTRA_ARGS='",
        '--label env=test',
        '--label provider=generic',
        '--log-level=warn',
        '',
        "'",
        'CACERT=/var/lib/boot2docker/ca.pem',
        `DOCKER_HOST='-H tcp://0.0.0.0:${host.engine.port}'`,
        'DOCKER_STORAGE=overlay2',
        'DOCKER_TLS=auto',
        'SERVERKEY=/var/lib/boot2docker/server-key.pem',
        'SERVERCERT=/var/lib/boot2docker/server.pem',
        '',
        'export "HTTP_PROXY=http://p:3128"',
        '',
      ].join('\n'),
    });
    expect(host.hostname).toBe('b2d');
    expect(host.files.get('/var/lib/boot2docker/etc/hostname')?.content).toBe('b2d\n');
    // The engine came up from the profile and those files, and answered the client certificate.
    expect(host.restarts).toBe(1);
    expect(host.engine.requests).toBeGreaterThanOrEqual(1);
  });

  it('runs again as regenerate-certs does: a new server certificate replaces the remote one, restarted', async () => {
    const host = await startHost();
    await provision(host, 'again');
    const first = host.files.get('/var/lib/boot2docker/server.pem')?.content;
    const { result, auth } = await provision(host, 'again', { StorageDriver: 'vfs' });

    const second = await readFile(join(auth.StorePath, 'server.pem'), 'utf8');
    expect(second).not.toBe(first);
    expect(host.files.get('/var/lib/boot2docker/server.pem')?.content).toBe(second);
    expect(host.files.get('/var/lib/boot2docker/profile')?.content).toBe(
      renderBoot2DockerProfile({
        enginePort: host.engine.port,
        driverName: 'generic',
        engine: { ...defaultEngineOptions(), StorageDriver: 'vfs' },
      }),
    );
    expect(host.scripts()).toEqual([...B2D_SCRIPTS('again'), ...B2D_SCRIPTS('again')]);
    expect(host.restarts).toBe(2);
    expect(result.engineVersion).toBe(BOOT2DOCKER_DOCKER_VERSION);
  });

  it('stops at a failing init script with ProvisionFailed naming the step and what the host said', async () => {
    const host = await startHost({
      rules: [{ match: '/etc/init.d/docker restart', reply: { code: 1, stderr: 'dockerd: pid file found\n' } }],
    });
    const error = await provision(host, 'broken').catch((e: unknown) => e);
    expect(isBerthError(error) && error.code).toBe('ProvisionFailed');
    if (!isBerthError(error)) return;
    expect(error.data.step).toBe('restarting the Docker daemon');
    expect(error.message).toContain('exit status 1: dockerd: pid file found');
    expect(host.scripts().at(-1)).toBe('/etc/init.d/docker restart');
    expect(host.engine.running).toBe(false);
  });
});

describe('upgradeEngine on boot2docker', () => {
  it('refuses with NotSupported and says what to do instead, before touching anything', async () => {
    const host = await startHost();
    const ssh = await connect(host, 'docker');
    const lines: string[] = [];
    const error = await upgradeEngine(ssh, (line) => lines.push(line))
      .catch((e: unknown) => e)
      .finally(() => ssh.close());

    expect(isBerthError(error) && error.code).toBe('NotSupported');
    if (!isBerthError(error)) return;
    expect(error.message).toBe(
      "Upgrading Docker on Boot2Docker 19.03.12 (TCL 10.1) is not supported yet: boot2docker's engine comes with its ISO",
    );
    expect(error.actions.join('\n')).toContain('berth provision NAME');
    expect(lines).toEqual([]);
    expect(host.scripts()).toHaveLength(1);
    expect(host.ssh.unanswered).toEqual([]);
    expect(host.restarts).toBe(0);
  });
});
