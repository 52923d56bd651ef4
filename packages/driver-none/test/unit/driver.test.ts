import {
  type Driver,
  InvalidFlagError,
  type MachineContext,
  MissingFlagError,
  NotSupportedError,
  PROTOCOL_VERSION,
} from '@berth/driver-protocol';
import { createCallContext } from '@berth/driver-sdk';
import { describe, expect, it } from 'vitest';
import { NoneDriver } from '../../src/driver.js';
import { urlHost } from '../../src/url-host.js';

const context = createCallContext();
// Called as the host does, through the protocol's Driver interface (params and call context).
const driver: Driver = new NoneDriver();

/** The `Driver` object of machine legacy-none in the docker-machine 0.16.2 fixture store (key order kept). */
const LEGACY_NONE_DRIVER_CONFIG = {
  IPAddress: '127.0.0.1:12376',
  MachineName: 'legacy-none',
  SSHUser: '',
  SSHPort: 0,
  SSHKeyPath: '',
  StorePath: '/home/dmuser/.docker/machine',
  SwarmMaster: false,
  SwarmHost: '',
  SwarmDiscovery: '',
  URL: 'tcp://127.0.0.1:12376',
};

function legacyNone(driverConfig: Record<string, unknown>): MachineContext {
  return {
    name: 'legacy-none',
    storePath: '/home/dmuser/.docker/machine',
    machineDir: '/home/dmuser/.docker/machine/machines/legacy-none',
    driverConfig,
  };
}

const created = { machine: legacyNone(LEGACY_NONE_DRIVER_CONFIG) };

describe('NoneDriver', () => {
  it('describes itself: one create flag "url" without env var, no power control, no SSH', async () => {
    const description = await driver.initialize(
      { protocolVersion: PROTOCOL_VERSION, hostName: 'berth', hostVersion: '0.1.0' },
      context,
    );
    expect(description).toEqual({
      name: 'none',
      version: '0.1.0',
      protocolVersion: PROTOCOL_VERSION,
      capabilities: { powerControl: false, ssh: false, upgrade: false },
      createFlags: [{ name: 'url', type: 'string', description: 'URL of host when no driver is selected' }],
    });
  });

  it("writes exactly Docker Machine's driver config for `create -d none --url tcp://127.0.0.1:12376`", async () => {
    const base = { MachineName: 'legacy-none', StorePath: '/home/dmuser/.docker/machine' };
    const { driverConfig } = await driver.setConfigFromFlags(
      { machine: legacyNone(base), flags: { url: 'tcp://127.0.0.1:12376' } },
      context,
    );
    expect(JSON.stringify(driverConfig)).toBe(JSON.stringify(LEGACY_NONE_DRIVER_CONFIG));
  });

  it('requires --url, with Docker Machine message', async () => {
    const error = await driver
      .setConfigFromFlags({ machine: legacyNone({}), flags: { url: '' } }, context)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingFlagError);
    expect((error as MissingFlagError).message).toBe('--url option is required when no driver is selected');
  });

  it('refuses a URL without scheme://', async () => {
    await expect(
      driver.setConfigFromFlags({ machine: legacyNone({}), flags: { url: '127.0.0.1:2376' } }, context),
    ).rejects.toThrow(
      new InvalidFlagError('--url "127.0.0.1:2376" is not a URL of the form scheme://host:port').message,
    );
  });

  it('creates and removes nothing', async () => {
    expect(await driver.create(created, context)).toEqual({ driverConfig: LEGACY_NONE_DRIVER_CONFIG });
    await expect(driver.remove(created, context)).resolves.toBeUndefined();
    await expect(driver.preCreateCheck(created, context)).resolves.toBeUndefined();
  });

  it('answers URL, host:port as IP, and always Running', async () => {
    expect(await driver.getUrl(created, context)).toEqual({ url: 'tcp://127.0.0.1:12376' });
    expect(await driver.getIp(created, context)).toEqual({ ip: '127.0.0.1:12376' });
    expect(await driver.getState(created, context)).toEqual({ state: 'Running' });
  });

  it('has no IP for a URL without a host', async () => {
    const socket = { machine: legacyNone({ URL: 'unix:///var/run/docker.sock', IPAddress: '' }) };
    await expect(driver.getIp(socket, context)).rejects.toThrow(
      'IP address is not set: the URL "unix:///var/run/docker.sock" of machine "legacy-none" names no host',
    );
  });

  it.each([
    ['start', 'started'],
    ['stop', 'stopped'],
    ['restart', 'restarted'],
    ['kill', 'killed'],
  ] as const)('refuses to %s, in Docker Machine words', async (method, done) => {
    const error = await driver[method](created, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).message).toBe(`hosts without a driver cannot be ${done}`);
  });

  it.each(['getSshHostname', 'getSshPort', 'getSshUsername', 'getSshKeyPath'] as const)(
    'has no SSH: %s rejects NotSupported',
    async (method) => {
      await expect(driver[method](created, context)).rejects.toThrow(
        'machine "legacy-none" uses the none driver, which has no SSH access: Berth only knows its Docker URL tcp://127.0.0.1:12376',
      );
    },
  );

  it('does not upgrade', async () => {
    await expect(driver.upgrade(created, context)).rejects.toThrow('none driver does not support upgrade');
  });
});

describe('urlHost', () => {
  it("keeps the URL's host[:port] as written", () => {
    expect(urlHost('tcp://127.0.0.1:12376')).toBe('127.0.0.1:12376');
    expect(urlHost('tcp://[::1]:2376/path?q')).toBe('[::1]:2376');
    expect(urlHost('https://user:pw@Docker.Example:443')).toBe('Docker.Example:443');
    expect(urlHost('unix:///var/run/docker.sock')).toBe('');
    expect(urlHost('127.0.0.1:2376')).toBeUndefined();
  });
});
