import './offline.js';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type Driver,
  type FlagValues,
  InvalidFlagError,
  type LogParams,
  type MachineContext,
  MissingFlagError,
  type ProgressParams,
} from '@berth/driver-protocol';
import { createCallContext, createMachineKeyPair, MachineJournal, resolveFlagValues } from '@berth/driver-sdk';
import { DigitalOceanSimulator } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DigitalOceanDriver } from '../../src/driver.js';
import { DIGITALOCEAN_FLAGS } from '../../src/flags.js';

// Called as the host does, through the protocol's Driver interface (params and call context).
const driver: Driver = new DigitalOceanDriver();
let sim: DigitalOceanSimulator;
let dir: string;

beforeAll(async () => {
  // No test session: these tests need the API, not droplets.
  sim = await DigitalOceanSimulator.start({ maxPageSize: 4 });
  dir = await mkdtemp(join(tmpdir(), 'berth-do-unit-'));
});

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(sim.violations()).toEqual([]);
  sim.clearFaults();
});

function machine(name: string, driverConfig: Record<string, unknown> = {}): MachineContext {
  return {
    name,
    storePath: dir,
    machineDir: join(dir, 'machines', name),
    driverConfig: { MachineName: name, ...driverConfig },
  };
}

function flags(given: Record<string, unknown>): FlagValues {
  return resolveFlagValues(DIGITALOCEAN_FLAGS, { given, env: {} });
}

function recorder() {
  const logs: LogParams[] = [];
  const progress: ProgressParams[] = [];
  const context = createCallContext({
    machine: 'm',
    onLog: (line) => logs.push(line),
    onProgress: (line) => progress.push(line),
  });
  return { context, logs, progress };
}

async function configured(name: string, given: Record<string, unknown> = {}): Promise<MachineContext> {
  const { driverConfig } = await driver.setConfigFromFlags(
    {
      machine: machine(name),
      flags: flags({
        'digitalocean-access-token': sim.token,
        'digitalocean-api-url': sim.url,
        'digitalocean-image': 'debian-12-x64',
        ...given,
      }),
    },
    createCallContext(),
  );
  return machine(name, driverConfig);
}

describe('setConfigFromFlags', () => {
  it('writes Docker Machine’s keys in its order, then APIURL, keeping unknown keys', async () => {
    const base = machine('web', { FutureKey: 'kept' });
    const { driverConfig } = await driver.setConfigFromFlags(
      { machine: base, flags: flags({ 'digitalocean-access-token': 'tok', 'digitalocean-tags': ' a ,b,, c:d ' }) },
      createCallContext(),
    );
    expect(Object.keys(driverConfig)).toEqual([
      'IPAddress',
      'MachineName',
      'SSHUser',
      'SSHPort',
      'SSHKeyPath',
      'StorePath',
      'SwarmMaster',
      'SwarmHost',
      'SwarmDiscovery',
      'AccessToken',
      'DropletID',
      'DropletName',
      'Image',
      'Region',
      'SSHKeyID',
      'SSHKeyFingerprint',
      'SSHKey',
      'Size',
      'IPv6',
      'Backups',
      'PrivateNetworking',
      'UserDataFile',
      'Monitoring',
      'Tags',
      'APIURL',
      'FutureKey',
    ]);
    expect(driverConfig).toMatchObject({
      SSHUser: 'root',
      SSHPort: 22,
      AccessToken: 'tok',
      Image: 'ubuntu-16-04-x64',
      Region: 'nyc3',
      Size: 's-1vcpu-1gb',
      Tags: 'a,b,c:d',
      APIURL: 'https://api.digitalocean.com',
      FutureKey: 'kept',
    });
  });

  it('requires the token, in Docker Machine’s words', async () => {
    const attempt = driver.setConfigFromFlags({ machine: machine('web'), flags: flags({}) }, createCallContext());
    await expect(attempt).rejects.toThrow(MissingFlagError);
    await expect(attempt).rejects.toThrow('digitalocean driver requires the --digitalocean-access-token option');
  });

  it.each([
    [
      { 'digitalocean-api-url': 'ftp://example.test' },
      '--digitalocean-api-url "ftp://example.test" is not an http(s) URL',
    ],
    [{ 'digitalocean-api-url': 'http://user:pw@127.0.0.1:1' }, 'is not an http(s) URL'],
    [{ 'digitalocean-ssh-port': 70000 }, '--digitalocean-ssh-port must be a port number from 1 to 65535'],
    [{ 'digitalocean-tags': 'ok,not ok' }, '--digitalocean-tags: "not ok" is not a valid DigitalOcean tag'],
  ])('refuses %j', async (given, message) => {
    const attempt = driver.setConfigFromFlags(
      { machine: machine('web'), flags: flags({ 'digitalocean-access-token': 'tok', ...given }) },
      createCallContext(),
    );
    await expect(attempt).rejects.toThrow(InvalidFlagError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('preCreateCheck (against the simulator)', () => {
  it('passes for a valid region and size, reading every page of regions', async () => {
    const before = sim.requests().length;
    await driver.preCreateCheck(
      { machine: await configured('ok', { 'digitalocean-region': 'tor1' }) },
      createCallContext(),
    );
    const pages = sim.requests().slice(before);
    expect(pages.map((request) => request.operationId)).toEqual(Array(4).fill('regions_list'));
    expect(pages.map((request) => new URL(request.path, 'http://x').searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
  });

  it.each([
    [{ 'digitalocean-region': 'xyz1' }, 'digitalocean requires a valid region'],
    [{ 'digitalocean-region': 'nyc2' }, 'digitalocean region "nyc2" is not available'],
    [
      { 'digitalocean-region': 'blr1', 'digitalocean-size': 'g-2vcpu-8gb' },
      'size "g-2vcpu-8gb" is not available in region "blr1"',
    ],
    [
      { 'digitalocean-ssh-key-path': '/nonexistent/id_rsa' },
      'ssh-key-fingerprint needs to be provided for "/nonexistent/id_rsa"',
    ],
    [
      { 'digitalocean-userdata': '/nonexistent/cloud-init' },
      'user-data file /nonexistent/cloud-init could not be found',
    ],
  ])('refuses %j', async (given, message) => {
    const attempt = driver.preCreateCheck({ machine: await configured('bad', given) }, createCallContext());
    await expect(attempt).rejects.toThrow(InvalidFlagError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('lists the available regions when the region is wrong', async () => {
    const error = await driver
      .preCreateCheck({ machine: await configured('bad', { 'digitalocean-region': 'xyz1' }) }, createCallContext())
      .catch((e: InvalidFlagError) => e);
    expect((error as InvalidFlagError).actions[0]).toBe(
      'Pick one of the available regions with --digitalocean-region: ams3, blr1, fra1, lon1, nyc1, nyc3, sfo2, sfo3, sgp1, syd1, tor1.',
    );
  });

  it('refuses a machine name DigitalOcean refuses as a droplet name', async () => {
    const attempt = driver.preCreateCheck({ machine: await configured('web-') }, createCallContext());
    await expect(attempt).rejects.toThrow('"web-" cannot be a droplet name');
  });

  it('shows DigitalOcean’s message and request id for a refused token, never the token', async () => {
    const target = await configured('ok');
    target.driverConfig.AccessToken = 'dop_v1_wrong_token_value';
    const error = (await driver
      .preCreateCheck({ machine: target }, createCallContext())
      .catch((e) => e)) as InvalidFlagError;
    const last = sim.requests().at(-1);
    expect(error).toBeInstanceOf(InvalidFlagError);
    expect(error.message).toBe(
      `could not list the DigitalOcean regions: DigitalOcean said "Unable to authenticate you" (HTTP 401 Unauthorized, request id ${last?.requestId})`,
    );
    expect(JSON.stringify(error.toJSON())).not.toContain('dop_v1_wrong_token_value');
    expect(error.data).toMatchObject({ status: 401, errorId: 'Unauthorized', requestId: last?.requestId });
  });
});

describe('remove', () => {
  it('treats resources already gone as removed and empties the journal', async () => {
    const target = await configured('gone', {});
    const journal = new MachineJournal(target.machineDir);
    await journal.record('ssh-key', '999999');
    await journal.record('droplet', '123456', 'nyc3');
    const { context, logs, progress } = recorder();
    await driver.remove({ machine: target }, context);
    expect(await journal.entries()).toEqual([]);
    expect(progress).toEqual([]);
    expect(logs.map((line) => line.message)).toEqual([
      "Digital Ocean droplet 123456 doesn't exist, assuming it is already deleted",
      "Digital Ocean SSH key 999999 doesn't exist, assuming it is already deleted",
    ]);
  });

  it('deletes journaled keys, but never a key the user gave by fingerprint', async () => {
    const client = await configured('keys');
    const mine = await fetch(`${sim.url}/v2/account/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'berth:keys', public_key: (await createMachineKeyPair(dir, 'a')).publicKey }),
    }).then((r) => r.json() as Promise<{ ssh_key: { id: number; fingerprint: string } }>);
    const users = await fetch(`${sim.url}/v2/account/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'my laptop', public_key: (await createMachineKeyPair(dir, 'b')).publicKey }),
    }).then((r) => r.json() as Promise<{ ssh_key: { id: number; fingerprint: string } }>);
    await new MachineJournal(client.machineDir).record('ssh-key', String(mine.ssh_key.id));
    client.driverConfig.SSHKeyFingerprint = users.ssh_key.fingerprint;
    client.driverConfig.SSHKeyID = users.ssh_key.id;
    const { context, progress } = recorder();
    await driver.remove({ machine: client }, context);
    expect(progress.map((line) => line.message)).toEqual([`Deleted SSH key ${mine.ssh_key.id}`]);
    expect(sim.resources().sshKeys.map((key) => key.name)).toEqual(['my laptop']);
  });

  it('keeps in the journal what it could not delete, and says how to delete it', async () => {
    const target = await configured('stuck');
    const created = await fetch(`${sim.url}/v2/account/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'berth:stuck', public_key: (await createMachineKeyPair(dir, 'c')).publicKey }),
    }).then((r) => r.json() as Promise<{ ssh_key: { id: number } }>);
    const id = String(created.ssh_key.id);
    const journal = new MachineJournal(target.machineDir);
    await journal.record('ssh-key', id);
    sim.failAt('sshKeys_delete', {
      status: 500,
      id: 'server_error',
      message: 'Unexpected server-side error',
      times: 3,
    });
    const error = (await driver.remove({ machine: target }, createCallContext()).catch((e) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^could not delete every DigitalOcean resource of machine "stuck": SSH key ${id} is left \\(DigitalOcean said "Unexpected server-side error" \\(HTTP 500 server_error, request id [0-9a-f-]{36}\\)\\): delete it under Settings > Security in the DigitalOcean control panel or with \`doctl compute ssh-key delete ${id}\`$`,
      ),
    );
    expect((await journal.entries()).map((entry) => entry.id)).toEqual([id]);
    sim.clearFaults();
    await driver.remove({ machine: target }, createCallContext());
    expect(await journal.entries()).toEqual([]);
  });
});

describe('machine key pair', () => {
  it('writes id_rsa (0600) and id_rsa.pub; the public line is what ssh-keygen derives', async () => {
    const keyDir = await mkdtemp(join(dir, 'key-'));
    const pair = await createMachineKeyPair(keyDir, 'berth:web');
    expect(pair.privateKeyPath).toBe(join(keyDir, 'id_rsa'));
    expect((await stat(pair.privateKeyPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(`${pair.privateKeyPath}.pub`, 'utf8')).toBe(`${pair.publicKey}\n`);
    const derived = await promisify(execFile)('ssh-keygen', ['-y', '-f', pair.privateKeyPath]).catch((error) => {
      throw new Error(`this test needs ssh-keygen (package openssh-client): ${(error as Error).message}`);
    });
    expect(pair.publicKey).toBe(`${derived.stdout.trim().split(' ').slice(0, 2).join(' ')} berth:web`);
  });
});

describe('capabilities and getters', () => {
  it('declares power control, SSH and the secret config key', async () => {
    const info = await driver.initialize(
      { protocolVersion: '1.1', hostName: 'berth', hostVersion: '0' },
      createCallContext(),
    );
    expect(info.capabilities).toEqual({ powerControl: true, ssh: true, secretConfigKeys: ['AccessToken'] });
    expect(info.name).toBe('digitalocean');
  });

  it('answers the SSH getters from the config, as Docker Machine did', async () => {
    const target = machine('web', { IPAddress: '203.0.113.7', SSHUser: 'root', SSHPort: 22, SSHKeyPath: '/k/id_rsa' });
    const params = { machine: target };
    const context = createCallContext();
    expect(await driver.getIp(params, context)).toEqual({ ip: '203.0.113.7' });
    expect(await driver.getSshHostname(params, context)).toEqual({ hostname: '203.0.113.7' });
    expect(await driver.getSshPort(params, context)).toEqual({ port: 22 });
    expect(await driver.getSshUsername(params, context)).toEqual({ username: 'root' });
    expect(await driver.getSshKeyPath(params, context)).toEqual({ keyPath: '/k/id_rsa' });
    expect(await driver.getState(params, context)).toEqual({ state: 'None' });
    await expect(driver.getIp({ machine: machine('new') }, context)).rejects.toThrow('IP address is not set');
  });
});

it('a user-data file that exists passes the check', async () => {
  const file = join(dir, 'cloud-init.yaml');
  await writeFile(file, '#cloud-config\n');
  await driver.preCreateCheck(
    { machine: await configured('ud', { 'digitalocean-userdata': file }) },
    createCallContext(),
  );
});
