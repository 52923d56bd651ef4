import { X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NoneDriver } from '@berth/driver-none';
import { isBerthError } from '@berth/driver-protocol';
import { dockerMachineFixture, generateKeyPair, ScriptedDebianHost, snapshotTree } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BerthContext } from '../../../src/machine/index.js';
import { loadMachine } from '../../../src/store/load-machine.js';
import { fixtureOutput } from '../store/support/fixture-store.js';
import { SshHostDriver } from './support/ssh-host-driver.js';
import { createThrough, openContext, tempStoreRoot } from './support/test-context.js';

/** Where docker-machine's store was when the fixtures were recorded. */
const DM_STORE = '/home/dmuser/.docker/machine';

const fixtureConfig = (name: string) =>
  readFile(dockerMachineFixture('store', 'machines', name, 'config.json'), 'utf8');

/** The progress lines docker-machine printed (its last line, the `env` hint, is the CLI's). */
async function recordedProgress(output: string, root: string): Promise<string[]> {
  const lines = (await fixtureOutput(output)).trimEnd().split('\n');
  return lines.slice(0, -1).map((line) => line.replaceAll(DM_STORE, root));
}

const ADOPTED = 'Docker is already installed on the machine, adopting it...';

const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

describe('createMachine with the none driver (no SSH: nothing is provisioned)', () => {
  let root: string;
  let ctx: BerthContext;

  beforeAll(async () => {
    root = await tempStoreRoot();
  });

  beforeEach(() => {
    ctx = openContext(root, { none: () => new NoneDriver() });
  });

  afterEach(async () => {
    await ctx.dispose();
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const create = (name: string, flags: Record<string, string>, progress?: (line: string) => void) =>
    createThrough(ctx, 'none', name, flags, progress ? { progress } : {});

  it('refuses a name docker-machine refuses, with its message and code, before touching the store', async () => {
    const recorded = (await fixtureOutput('create-none-bad-name.stderr')).trim();
    for (const name of ['bad name!', '-lead', '.hidden', '', 'a/b', 'ünïcode']) {
      // No --url either: the name is checked first, as docker-machine did.
      const error = await create(name, {}).catch((e: unknown) => e);
      expect(isBerthError(error) && error.code, name).toBe('InvalidMachineName');
      expect(`Error creating machine: ${(error as Error).message}`).toBe(recorded);
    }
    expect(await readdir(root)).toEqual([]);
  });

  it('asks the driver for its flags before making any certificate', async () => {
    // The CLI sends every declared flag; --url's default is empty.
    const error = await create('nourl', { url: '' }).catch((e: unknown) => e);
    expect(isBerthError(error) && error.code).toBe('MissingFlag');
    expect(isBerthError(error) && error.data.createPhase).toBe('flags');
    expect(await readdir(root)).toEqual([]);
  });

  it('in an empty store: makes the CA and client certificate, says so, and writes docker-machine’s config.json', async () => {
    const lines: string[] = [];
    const record = await create('legacy-none', { url: 'tcp://127.0.0.1:12376' }, (line) => lines.push(line));
    expect(lines).toEqual(await recordedProgress('create-none-legacy-none.stdout', root));

    // Byte for byte what docker-machine 0.16 wrote for the same create, but for the store path.
    const written = await readFile(join(root, 'machines', 'legacy-none', 'config.json'), 'utf8');
    expect(written.replaceAll(root, DM_STORE)).toBe(await fixtureConfig('legacy-none'));
    expect(await mode(record.configPath)).toBe('600');
    expect(await mode(record.dir)).toBe('700');
    expect(record).toEqual(await loadMachine(ctx.store, 'legacy-none'));
    // The none driver never provisions: no server certificate, no copies of the client's.
    expect((await readdir(record.dir)).filter((file) => file !== 'config.json.bak')).toEqual(['config.json']);

    const certs = join(root, 'certs');
    expect((await readdir(certs)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'cert.pem', 'key.pem']);
    expect([await mode(join(certs, 'ca.pem')), await mode(join(certs, 'cert.pem'))]).toEqual(['644', '644']);
    expect([await mode(join(certs, 'ca-key.pem')), await mode(join(certs, 'key.pem'))]).toEqual(['600', '600']);
    const ca = new X509Certificate(await readFile(join(certs, 'ca.pem')));
    const client = new X509Certificate(await readFile(join(certs, 'cert.pem')));
    expect(ca.ca).toBe(true);
    expect(client.checkIssued(ca)).toBe(true);
  });

  it('in a store with a CA: reuses it and prints only the create lines', async () => {
    const caBefore = await readFile(join(root, 'certs', 'ca.pem'), 'utf8');
    const lines: string[] = [];
    await create('throwaway-none', { url: 'tcp://127.0.0.1:12378' }, (line) => lines.push(line));
    expect(lines).toEqual(await recordedProgress('create-none-throwaway.stdout', root));
    expect(await readFile(join(root, 'certs', 'ca.pem'), 'utf8')).toBe(caBefore);
  });

  it('refuses an existing name with docker-machine’s message, leaving the store as it was', async () => {
    const before = await snapshotTree(root, { mtimes: true });
    const recorded = (await fixtureOutput('create-none-exists-no-url.stderr')).trim();
    const attempts: Record<string, string>[] = [{}, { url: 'tcp://127.0.0.1:12376' }];
    for (const flags of attempts) {
      const error = await create('legacy-none', flags).catch((e: unknown) => e);
      expect(isBerthError(error) && error.code).toBe('MachineExists');
      expect((error as Error).message).toBe(recorded);
    }
    expect(await snapshotTree(root, { mtimes: true })).toEqual(before);
  });
});

describe('createMachine with an SSH driver, provisioning a scripted Debian 12 host', () => {
  let root: string;
  let host: ScriptedDebianHost;
  let ctx: BerthContext;
  let sshKey: string;

  beforeAll(async () => {
    root = await tempStoreRoot();
    const key = generateKeyPair();
    sshKey = join(root, 'keys', 'id_rsa');
    await mkdir(join(root, 'keys'));
    await writeFile(sshKey, key.privateKey, { mode: 0o600 });
    host = await ScriptedDebianHost.start({ authorizedKey: key.publicKey });
    const address = { sshPort: host.port, enginePort: host.engine.port, sshKey };
    ctx = openContext(root, { sshhost: () => new SshHostDriver(address) });
  });

  afterAll(async () => {
    await ctx.dispose();
    await host.close();
    await rm(root, { recursive: true, force: true });
  });

  it('runs every step in docker-machine’s order and stores what docker-machine stored', async () => {
    const lines: string[] = [];
    const record = await createThrough(
      ctx,
      'sshhost',
      'dm-generic',
      {},
      {
        engine: { Labels: ['env=test'], ArbitraryFlags: ['log-level=warn'], Env: ['HTTP_PROXY=http://127.0.0.1:3128'] },
        tlsSans: ['legacy.example.test'],
        progress: (line) => lines.push(line),
      },
    );

    // docker-machine's lines (without the CA lines of a first create and the driver's own
    // "(dm-generic) Importing SSH key..."), plus the one line Berth adds when it adopts an engine.
    const recorded = (await recordedProgress('create-generic-dm-generic.stdout', root)).filter(
      (line) => !line.startsWith('(dm-generic)'),
    );
    const expected = [...recorded];
    expected.splice(expected.indexOf('Copying certs to the local machine directory...'), 0, ADOPTED);
    expect(lines.filter((line) => !line.startsWith('Creating CA') && !line.startsWith('Creating client'))).toEqual(
      expected,
    );

    // The same HostOptions as docker-machine's for the same flags; the driver's keys as it returned them.
    const config = JSON.parse(await readFile(record.configPath, 'utf8'));
    const dmConfig = JSON.parse((await fixtureConfig('dm-generic')).replaceAll(DM_STORE, root));
    expect(config.HostOptions).toEqual(dmConfig.HostOptions);
    expect(Object.keys(config)).toEqual(Object.keys(dmConfig));
    expect(Object.keys(config.Driver)).toEqual(Object.keys(dmConfig.Driver));
    expect(config.Driver).toMatchObject({
      IPAddress: '127.0.0.1',
      SSHUser: 'root',
      SSHPort: host.port,
      SSHKey: sshKey,
    });
    expect(config.DriverName).toBe('sshhost');

    // What core put in the machine directory is docker-machine's, plus the pinned host key (the
    // id_rsa files are the driver's: generic writes id_rsa.pub too, this driver does not).
    const own = (files: string[]) => files.filter((file) => !file.startsWith('id_rsa') && file !== 'config.json.bak');
    const files = own(await readdir(record.dir)).sort();
    const dmFiles = own(await readdir(dockerMachineFixture('store', 'machines', 'dm-generic'))).sort();
    expect(files).toEqual([...dmFiles, 'known_hosts'].sort());
    expect(await readFile(join(record.dir, 'id_rsa'), 'utf8')).toBe(await readFile(sshKey, 'utf8'));
    const knownHosts = await readFile(join(record.dir, 'known_hosts'), 'utf8');
    const { hostKeyType, hostPublicKey } = host.ssh;
    expect(knownHosts).toContain(`[127.0.0.1]:${host.port} ${hostKeyType} ${hostPublicKey.toString('base64')}`);
    const server = new X509Certificate(await readFile(join(record.dir, 'server.pem')));
    expect(server.subjectAltName).toBe('DNS:legacy.example.test, IP Address:127.0.0.1, DNS:localhost, DNS:dm-generic');

    // One SSH connection for the whole provisioning; the engine answered over TLS at the end.
    expect(host.ssh.connections).toBe(1);
    expect(host.ssh.unanswered).toEqual([]);
    expect(host.files.get('/etc/docker/server.pem')?.content).toBe(
      await readFile(join(record.dir, 'server.pem'), 'utf8'),
    );
    expect(host.hostname).toBe('dm-generic');
    expect(host.engine.requests).toBeGreaterThanOrEqual(1);
  });
});
