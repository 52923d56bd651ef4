import { describe, expect, it } from 'vitest';
import { MachineConfigError, MachineConfigVersionError } from '../../../src/errors/store-errors.js';
import { parseHostConfig, serializeHostConfig } from '../../../src/store/config-json.js';

const origin = { machineName: 'foobar', configPath: '/Users/u/.docker/machine/machines/foobar/config.json' };

// Shapes of records written by docker-machine 0.5–0.6 (ConfigVersion 1 and 2).
const v1 = {
  ConfigVersion: 1,
  Driver: {
    IPAddress: '192.168.99.100',
    SSHUser: 'docker',
    SSHPort: 64477,
    MachineName: 'foobar',
    CaCertPath: '/Users/u/.docker/machine/certs/ca.pem',
    PrivateKeyPath: '/Users/u/.docker/machine/certs/ca-key.pem',
    SwarmMaster: false,
    SwarmHost: 'tcp://0.0.0.0:3376',
    SwarmDiscovery: '',
    CPU: 1,
    Memory: 1024,
  },
  DriverName: 'virtualbox',
  HostOptions: {
    Driver: '',
    Memory: 0,
    Disk: 0,
    EngineOptions: {
      ArbitraryFlags: [],
      Dns: null,
      TlsCaCert: '',
      TlsVerify: true,
      InstallURL: 'https://get.docker.com',
    },
    SwarmOptions: { IsSwarm: false, Host: 'tcp://0.0.0.0:3376', Image: 'swarm:latest', Strategy: 'spread' },
    AuthOptions: {
      StorePath: '',
      CaCertPath: '/Users/u/.docker/machine/certs/ca.pem',
      CaCertRemotePath: '',
      ServerCertPath: '/Users/u/.docker/machine/machines/foobar/server.pem',
      ServerKeyPath: '/Users/u/.docker/machine/machines/foobar/server-key.pem',
      ClientKeyPath: '/Users/u/.docker/machine/certs/key.pem',
      ServerCertRemotePath: '',
      ServerKeyRemotePath: '',
      PrivateKeyPath: '/Users/u/.docker/machine/certs/ca-key.pem',
      ClientCertPath: '/Users/u/.docker/machine/certs/cert.pem',
    },
  },
  StorePath: '/Users/u/.docker/machine/machines/foobar',
};

const v2 = {
  ConfigVersion: 2,
  Driver: { MachineName: 'default', SSHPort: 58145 },
  DriverName: 'virtualbox',
  HostOptions: {
    Driver: '',
    Memory: 0,
    Disk: 0,
    AuthOptions: { StorePath: '/Users/u/.docker/machine/machines/default' },
  },
  StorePath: '/Users/u/.docker/machine/machines/default',
  Name: 'default',
};

describe('config migration', () => {
  it('upgrades v2: the driver record gains the global StorePath', () => {
    const { config, sourceVersion } = parseHostConfig(JSON.stringify(v2), { ...origin, machineName: 'default' });
    expect(sourceVersion).toBe(2);
    expect(config.ConfigVersion).toBe(3);
    expect(config.Driver).toEqual({ MachineName: 'default', SSHPort: 58145, StorePath: '/Users/u/.docker/machine' });
    expect(config).not.toHaveProperty('StorePath');
    expect(config.HostOptions.AuthOptions.StorePath).toBe('/Users/u/.docker/machine/machines/default');
    expect(JSON.parse(serializeHostConfig(config)).ConfigVersion).toBe(3);
  });

  it('upgrades v1: CaPrivateKeyPath, CertDir and the global store path', () => {
    const { config, sourceVersion } = parseHostConfig(JSON.stringify(v1), origin);
    expect(sourceVersion).toBe(1);
    const auth = config.HostOptions.AuthOptions;
    expect(auth.CaPrivateKeyPath).toBe('/Users/u/.docker/machine/certs/ca-key.pem');
    expect(auth).not.toHaveProperty('PrivateKeyPath');
    expect(auth.CertDir).toBe('/Users/u/.docker/machine/certs');
    expect(auth.StorePath).toBe('/Users/u/.docker/machine');
    expect(Object.keys(auth).indexOf('CaPrivateKeyPath')).toBe(
      Object.keys(v1.HostOptions.AuthOptions).indexOf('PrivateKeyPath'),
    );
    expect(config.Driver.StorePath).toBe('/Users/u/.docker/machine');
    expect(config.Driver.CPU).toBe(1);
    expect(config.Name).toBe('foobar');
    // Fields v3 no longer has are kept: another client may still want them.
    expect(config.HostOptions.EngineOptions.TlsCaCert).toBe('');
  });

  it('fails clearly when a pre-v3 record has no StorePath to migrate from', () => {
    const broken = { ...v2, StorePath: undefined };
    expect(() => parseHostConfig(JSON.stringify(broken), origin)).toThrow(MachineConfigError);
    expect(() => parseHostConfig(JSON.stringify(broken), origin)).toThrow(/StorePath is missing/);
  });

  it('refuses version 0 with a way out', () => {
    const v0 = {
      DriverName: 'virtualbox',
      Driver: { MachineName: 'dev' },
      StorePath: '/h/.docker/machine/machines/dev',
    };
    let caught: unknown;
    try {
      parseHostConfig(JSON.stringify(v0), origin);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MachineConfigVersionError);
    const error = caught as MachineConfigVersionError;
    expect(error.code).toBe('ConfigCorrupt');
    expect(error.data).toMatchObject({ problem: 'version-too-old', configVersion: 0 });
    expect(error.configVersion).toBe(0);
    expect(error.message).toBe('Error getting migrated host: config version 0 is too old to be migrated');
    expect(error.actions[0]).toContain('docker-machine inspect foobar');
  });
});
