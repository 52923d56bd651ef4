import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Driver, DriverConfig, FlagValues, MachineContext } from '@berth/driver-protocol';
import { createCallContext, resolveFlagValues } from '@berth/driver-sdk';
import { dockerMachineFixture } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { configFromFlags } from '../../src/config-from-flags.js';
import { VirtualBoxDriver } from '../../src/driver.js';
import { DEFAULT_HOSTONLY_CIDR, VIRTUALBOX_FLAGS } from '../../src/flags.js';
import { readVirtualBoxConfig, writeVirtualBoxConfig } from '../../src/virtualbox-config.js';

const flags = (given: Record<string, unknown> = {}): FlagValues =>
  resolveFlagValues(VIRTUALBOX_FLAGS, { given, env: {} });
const machine = (driverConfig: DriverConfig = {}): MachineContext => ({
  name: 'vb1',
  storePath: '/store',
  machineDir: '/store/machines/vb1',
  driverConfig: { MachineName: 'vb1', ...driverConfig },
});

/** `--virtualbox-<name> "<default>" … [$ENV]` rows of docker-machine 0.16's help. */
async function dockerMachineFlags(): Promise<Map<string, { default: string; envVar: string }>> {
  const help = await readFile(dockerMachineFixture('outputs', 'help-create-driver-virtualbox.stdout'), 'utf8');
  const rows = new Map<string, { default: string; envVar: string }>();
  for (const line of help.split('\n')) {
    const match = /^\s+--(virtualbox-[a-z0-9-]+)\s+(?:"([^"]*)")?.*\[\$(\w+)\]\s*$/.exec(line);
    if (match?.[1] && match[3]) rows.set(match[1], { default: match[2] ?? '', envVar: match[3] });
  }
  return rows;
}

describe('create flags', () => {
  it("has every flag of docker-machine 0.16 with its default and variable (the host-only CIDR is Berth's)", async () => {
    const theirs = await dockerMachineFlags();
    expect(theirs.size).toBe(16);
    for (const [name, want] of theirs) {
      const ours = VIRTUALBOX_FLAGS.find((flag) => flag.name === name);
      expect(ours, name).toBeDefined();
      expect(ours?.envVar, name).toBe(want.envVar);
      const shown = ours?.default === undefined || ours.default === false ? '' : String(ours.default);
      if (name === 'virtualbox-hostonly-cidr') {
        expect(want.default).toBe('192.168.99.1/24');
        expect(shown).toBe(DEFAULT_HOSTONLY_CIDR);
      } else {
        expect(shown, name).toBe(want.default);
      }
    }
  });

  it('adds the image flags qemu has, and nothing else', () => {
    const extra = VIRTUALBOX_FLAGS.map((flag) => flag.name).filter(
      (name) => !['virtualbox-image-url', 'virtualbox-image-checksum'].includes(name),
    );
    expect(extra).toHaveLength(16);
    expect(VIRTUALBOX_FLAGS.find((flag) => flag.name === 'virtualbox-image-url')).toMatchObject({
      envVar: 'VIRTUALBOX_IMAGE_URL',
    });
    expect(DEFAULT_HOSTONLY_CIDR).toBe('192.168.59.1/24');
  });
});

describe('config from flags', () => {
  it("defaults: Docker Machine's values, SSH user docker, and the catalogue's Debian 12", () => {
    const { config, image } = configFromFlags(machine(), flags());
    expect(config).toMatchObject({
      CPU: 1,
      Memory: 1024,
      DiskSize: 20000,
      NatNicType: '82540EM',
      HostOnlyCIDR: '192.168.59.1/24',
      HostOnlyNicType: '82540EM',
      HostOnlyPromiscMode: 'deny',
      UIType: 'headless',
      DNSProxy: true,
      SSHUser: 'docker',
      ImageURL: '',
      InstanceID: '',
    });
    expect(image).toEqual({ name: 'debian-12', arch: process.arch === 'arm64' ? 'arm64' : 'amd64' });
  });

  it('a checked image URL is asked for instead; a boot2docker ISO asks for none', () => {
    const checksum = `sha256:${'a'.repeat(64)}`;
    const own = configFromFlags(
      machine(),
      flags({ 'virtualbox-image-url': 'http://127.0.0.1:1/x.qcow2', 'virtualbox-image-checksum': checksum }),
    );
    expect(own.image).toEqual({ url: 'http://127.0.0.1:1/x.qcow2', checksum });
    const b2d = configFromFlags(
      machine(),
      flags({ 'virtualbox-boot2docker-url': 'file:///isos/boot2docker.iso', 'virtualbox-no-dns-proxy': true }),
    );
    expect(b2d.image).toBeUndefined();
    expect(b2d.config).toMatchObject({ Boot2DockerURL: 'file:///isos/boot2docker.iso', DNSProxy: false });
  });

  it('refuses bad values naming the flag, before anything is made', () => {
    const refused = (given: Record<string, unknown>) => {
      try {
        configFromFlags(machine(), flags(given));
      } catch (error) {
        return error as { code: string; message: string; actions: string[]; data: { flag?: string } };
      }
      throw new Error('accepted');
    };
    const http = refused({
      'virtualbox-boot2docker-url':
        'https://github.com/boot2docker/boot2docker/releases/download/v19.03.12/boot2docker.iso',
    });
    expect(http).toMatchObject({ code: 'InvalidFlag', data: { flag: 'virtualbox-boot2docker-url' } });
    expect(http.actions.join(' ')).toMatch(/Download the ISO yourself and pass its path/);
    expect(refused({ 'virtualbox-image-url': 'http://127.0.0.1:1/x' }).data.flag).toBe('virtualbox-image-checksum');
    expect(refused({ 'virtualbox-image-checksum': 'md5:abc' }).data.flag).toBe('virtualbox-image-checksum');
    expect(refused({ 'virtualbox-ui-type': 'window' }).message).toBe(
      '--virtualbox-ui-type must be one of gui, sdl, headless, separate, not "window"',
    );
    expect(refused({ 'virtualbox-hostonly-nictype': 'e1000' }).data.flag).toBe('virtualbox-hostonly-nictype');
    expect(refused({ 'virtualbox-disk-size': 0 }).data.flag).toBe('virtualbox-disk-size');
    expect(refused({ 'virtualbox-import-boot2docker-vm': 'boot2docker-vm' }).data.flag).toBe(
      'virtualbox-import-boot2docker-vm',
    );
  });
});

describe('a machine docker-machine made (dm-vbox)', () => {
  async function dmVbox(): Promise<MachineContext> {
    const file = dockerMachineFixture('store-hypervisors', 'machines', 'dm-vbox', 'config.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as { Driver: DriverConfig };
    return {
      name: 'dm-vbox',
      storePath: '/home/dmuser/.docker/machine',
      machineDir: join('/home/dmuser/.docker/machine', 'machines', 'dm-vbox'),
      driverConfig: stored.Driver,
    };
  }

  it('loads with every field, and is written back unchanged: same keys, values and order, no Berth keys added', async () => {
    const dm = await dmVbox();
    const config = readVirtualBoxConfig(dm);
    expect(config).toMatchObject({
      SSHPort: 40537,
      HostOnlyCIDR: '192.168.99.1/24',
      Boot2DockerURL: '',
      DNSProxy: true,
      SSHUser: 'docker',
    });
    expect(config.InstanceID).toBeUndefined();
    const written = writeVirtualBoxConfig(dm, config);
    expect(JSON.stringify(written)).toBe(JSON.stringify(dm.driverConfig));
  });

  it("keeps the keys it does not know, and adds Berth's only after Docker Machine's", async () => {
    const dm = await dmVbox();
    const withExtra = { ...dm, driverConfig: { ...dm.driverConfig, FutureKey: [1, 2] } };
    const config = { ...readVirtualBoxConfig(withExtra), IPAddress: '192.168.99.101', InstanceID: 'berth-dm-vbox-1' };
    const written = writeVirtualBoxConfig(withExtra, config);
    const keys = Object.keys(written);
    expect(keys.slice(0, Object.keys(dm.driverConfig).length)).toEqual(Object.keys(dm.driverConfig));
    expect(keys.slice(-2)).toEqual(['InstanceID', 'FutureKey']);
    expect(written).toMatchObject({
      IPAddress: '192.168.99.101',
      FutureKey: [1, 2],
      VBoxManager: {},
      HostInterfaces: {},
    });
  });

  it('the driver answers its SSH and state questions from the stored config', async () => {
    const dm = await dmVbox();
    const driver = new VirtualBoxDriver({ env: { PATH: '' } });
    const context = createCallContext();
    expect(await driver.getSshHostname()).toEqual({ hostname: '127.0.0.1' });
    expect(await driver.getSshPort({ machine: dm })).toEqual({ port: 40537 });
    expect(await driver.getSshUsername({ machine: dm })).toEqual({ username: 'docker' });
    // SSHKeyPath "" means the machine directory's id_rsa, as in Docker Machine.
    expect(await driver.getSshKeyPath({ machine: dm })).toEqual({ keyPath: join(dm.machineDir, 'id_rsa') });
    await expect(driver.getState({ machine: dm })).rejects.toThrow(
      'VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path',
    );
    await expect(driver.getIp({ machine: dm }, context)).rejects.toMatchObject({ code: 'NotSupported' });
  });
});

describe('the driver as the host calls it', () => {
  it('writes D’s keys in order, then Berth’s', async () => {
    const driver: Driver = new VirtualBoxDriver({ env: { PATH: '' } });
    const { driverConfig, image } = await driver.setConfigFromFlags(
      { machine: machine(), flags: flags() },
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
      'VBoxManager',
      'HostInterfaces',
      'CPU',
      'Memory',
      'DiskSize',
      'NatNicType',
      'Boot2DockerURL',
      'Boot2DockerImportVM',
      'HostDNSResolver',
      'HostOnlyCIDR',
      'HostOnlyNicType',
      'HostOnlyPromiscMode',
      'UIType',
      'HostOnlyNoDHCP',
      'NoShare',
      'DNSProxy',
      'NoVTXCheck',
      'ShareFolder',
      'ImageURL',
      'ImageChecksum',
      'BaseImage',
      'InstanceID',
    ]);
    expect(image?.name).toBe('debian-12');
  });
});
