import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { snapshotTree } from '@berth/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MachineConfigError,
  MachineConfigVersionError,
  MachineNotFoundError,
} from '../../../src/errors/store-errors.js';
import { listMachineNames, listMachines, loadMachine, machineExists } from '../../../src/store/load-machine.js';
import { type Store, storeAt } from '../../../src/store/store-layout.js';
import { copyFixtureStore, fixtureOutput, makeTempDir, removeTempDir } from './support/fixture-store.js';

let root: string;
let store: Store;

beforeEach(async () => {
  root = await copyFixtureStore();
  store = storeAt(root);
});

afterEach(async () => {
  await removeTempDir(join(root, '..'));
});

describe('loadMachine on the docker-machine 0.16 store', () => {
  it('loads dm-generic with every field docker-machine wrote', async () => {
    const machine = await loadMachine(store, 'dm-generic');
    expect(machine.name).toBe('dm-generic');
    expect(machine.dir).toBe(join(root, 'machines', 'dm-generic'));
    expect(machine.configPath).toBe(join(root, 'machines', 'dm-generic', 'config.json'));
    expect(machine.sourceVersion).toBe(3);
    const { config } = machine;
    expect(config.ConfigVersion).toBe(3);
    expect(config.DriverName).toBe('generic');
    expect(config.Name).toBe('dm-generic');
    expect(config.Driver).toEqual({
      IPAddress: '172.17.0.5',
      MachineName: 'dm-generic',
      SSHUser: 'root',
      SSHPort: 22,
      SSHKeyPath: '/home/dmuser/.docker/machine/machines/dm-generic/id_rsa',
      StorePath: '/home/dmuser/.docker/machine',
      SwarmMaster: false,
      SwarmHost: '',
      SwarmDiscovery: '',
      EnginePort: 2376,
      SSHKey: '/home/dmuser/keys/id_rsa',
    });
    expect(config.HostOptions.EngineOptions).toMatchObject({
      ArbitraryFlags: ['log-level=warn'],
      Dns: null,
      Env: ['HTTP_PROXY=http://127.0.0.1:3128'],
      Labels: ['env=test'],
      TlsVerify: true,
      InstallURL: 'https://get.docker.com',
    });
    expect(config.HostOptions.SwarmOptions).toMatchObject({
      IsSwarm: false,
      Host: 'tcp://0.0.0.0:3376',
      Image: 'swarm:latest',
      Strategy: 'spread',
      Env: null,
    });
    expect(config.HostOptions.AuthOptions).toMatchObject({
      CertDir: '/home/dmuser/.docker/machine/certs',
      CaCertRemotePath: '',
      ServerCertSANs: ['legacy.example.test'],
      StorePath: '/home/dmuser/.docker/machine/machines/dm-generic',
    });
  });

  it('loads legacy-none (none driver, URL in the driver record)', async () => {
    const { config } = await loadMachine(store, 'legacy-none');
    expect(config.DriverName).toBe('none');
    expect(config.Driver.URL).toBe('tcp://127.0.0.1:12376');
    expect(config.Driver.IPAddress).toBe('127.0.0.1:12376');
    expect(config.HostOptions.AuthOptions.ServerCertSANs).toEqual([]);
  });

  it('names the machine after its directory', async () => {
    await mkdir(join(root, 'machines', 'renamed'));
    await writeFile(
      join(root, 'machines', 'renamed', 'config.json'),
      await readFile(join(root, 'machines', 'legacy-none', 'config.json')),
    );
    const machine = await loadMachine(store, 'renamed');
    expect(machine.config.Name).toBe('renamed');
  });

  it("reports a missing machine with docker-machine's wording", async () => {
    const error = await loadMachine(store, 'UNKNOWN').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineNotFoundError);
    const notFound = error as MachineNotFoundError;
    expect(notFound.code).toBe('MachineNotFound');
    expect(`${notFound.message}\n`).toBe(await fixtureOutput('inspect-unknown.stderr'));
    expect(notFound.actions.length).toBeGreaterThan(0);
  });

  it('treats a plain file in machines/ as no machine', async () => {
    await writeFile(join(root, 'machines', 'stray'), 'x');
    await expect(loadMachine(store, 'stray')).rejects.toBeInstanceOf(MachineNotFoundError);
    expect(await machineExists(store, 'stray')).toBe(false);
  });

  it('reports a machine dir without config.json as an unreadable record', async () => {
    await mkdir(join(root, 'machines', 'hollow'));
    const error = await loadMachine(store, 'hollow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MachineConfigError);
    expect((error as MachineConfigError).problem).toBe('unreadable');
    expect((error as MachineConfigError).message).toBe(
      `open ${join(root, 'machines', 'hollow', 'config.json')}: no such file or directory`,
    );
  });
});

describe('listMachines', () => {
  it('lists the fixture machines sorted, all loadable', async () => {
    const entries = await listMachines(store);
    expect(entries.map((entry) => [entry.name, entry.ok])).toEqual([
      ['dm-generic', true],
      ['legacy-none', true],
    ]);
  });

  it('turns an empty config.json into an error row and leaves the others alone (fixture "broken")', async () => {
    await mkdir(join(root, 'machines', 'broken'));
    await writeFile(join(root, 'machines', 'broken', 'config.json'), '');
    const entries = await listMachines(store);
    expect(entries.map((entry) => entry.name)).toEqual(['broken', 'dm-generic', 'legacy-none']);
    const [broken, generic, none] = entries;
    expect(generic?.ok && none?.ok).toBe(true);
    if (broken === undefined || broken.ok) throw new Error('expected an error row for "broken"');
    expect(broken.error).toBeInstanceOf(MachineConfigError);
    // The ERRORS column of `ls` in the fixture.
    const lsRow = (await fixtureOutput('ls-with-broken-config.stdout')).split('\n')[1] ?? '';
    expect(lsRow.endsWith(broken.error.message)).toBe(true);
  });

  it('shows corrupt, future and too-old records as error rows', async () => {
    const write = async (name: string, text: string) => {
      await mkdir(join(root, 'machines', name));
      await writeFile(join(root, 'machines', name, 'config.json'), text);
    };
    await write('corrupt', '{"ConfigVersion": 3,');
    await write('future', JSON.stringify({ ConfigVersion: 9, Driver: {}, DriverName: 'x' }));
    await write('ancient', JSON.stringify({ Driver: {}, DriverName: 'x', StorePath: '/a/b/c' }));
    const byName = new Map((await listMachines(store)).map((entry) => [entry.name, entry]));
    const errorOf = (name: string) => {
      const entry = byName.get(name);
      return entry && !entry.ok ? entry.error : undefined;
    };
    expect(errorOf('corrupt')).toBeInstanceOf(MachineConfigError);
    expect(errorOf('future')).toBeInstanceOf(MachineConfigVersionError);
    expect(errorOf('ancient')).toBeInstanceOf(MachineConfigVersionError);
    expect(byName.get('dm-generic')?.ok).toBe(true);
  });

  it('skips hidden entries (locks) and plain files', async () => {
    await mkdir(join(root, 'machines', '.dm-generic.lock'));
    await mkdir(join(root, 'machines', '.hidden'));
    await writeFile(join(root, 'machines', 'file.txt'), 'x');
    expect(await listMachineNames(store)).toEqual(['dm-generic', 'legacy-none']);
  });

  it('returns nothing for a store that does not exist, and does not create it', async () => {
    const dir = await makeTempDir();
    try {
      const missing = storeAt(join(dir, 'no', 'store'));
      expect(await listMachines(missing)).toEqual([]);
      expect(await machineExists(missing, 'x')).toBe(false);
      await expect(loadMachine(missing, 'x')).rejects.toBeInstanceOf(MachineNotFoundError);
      expect(Object.keys(await snapshotTree(dir))).toEqual(['/']);
    } finally {
      await removeTempDir(dir);
    }
  });
});

describe('read-only operations', () => {
  it('leave the store byte-identical, with no new files', async () => {
    // Include a record that would need migration: loading must not persist it.
    await mkdir(join(root, 'machines', 'old'));
    await writeFile(
      join(root, 'machines', 'old', 'config.json'),
      JSON.stringify({ ConfigVersion: 2, Driver: {}, DriverName: 'none', StorePath: `${root}/machines/old` }),
    );
    await mkdir(join(root, 'machines', 'broken'));
    await writeFile(join(root, 'machines', 'broken', 'config.json'), '');
    const before = await snapshotTree(root, { mtimes: true });

    await listMachines(store);
    await listMachineNames(store);
    await loadMachine(store, 'dm-generic');
    expect((await loadMachine(store, 'old')).sourceVersion).toBe(2);
    await loadMachine(store, 'broken').catch(() => undefined);
    await loadMachine(store, 'missing').catch(() => undefined);
    await machineExists(store, 'dm-generic');

    expect(await snapshotTree(root, { mtimes: true })).toEqual(before);
  });
});

describe('machineExists', () => {
  it('is true for machine directories only', async () => {
    expect(await machineExists(store, 'dm-generic')).toBe(true);
    expect(await machineExists(store, 'nope')).toBe(false);
    await rm(join(root, 'machines', 'legacy-none'), { recursive: true });
    expect(await machineExists(store, 'legacy-none')).toBe(false);
  });
});
