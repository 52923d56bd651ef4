import type { MachineContext } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import { baseDriverConfig, composeDriverConfig, splitBaseConfig } from '../../src/index.js';

const machine = (driverConfig: Record<string, unknown>): MachineContext => ({
  name: 'dev',
  storePath: '/home/u/.docker/machine',
  machineDir: '/home/u/.docker/machine/machines/dev',
  driverConfig,
});

describe('base driver config', () => {
  it("fills Docker Machine's zero values, with name and store from the context", () => {
    expect(baseDriverConfig(machine({}))).toEqual({
      IPAddress: '',
      MachineName: 'dev',
      SSHUser: '',
      SSHPort: 0,
      SSHKeyPath: '',
      StorePath: '/home/u/.docker/machine',
      SwarmMaster: false,
      SwarmHost: '',
      SwarmDiscovery: '',
    });
  });

  it('composes base keys, then own keys, then unknown stored keys, in that order', () => {
    const config = composeDriverConfig(
      machine({ FutureKey: 1, SwarmMaster: true, URL: 'old' }),
      { IPAddress: '1.2.3.4' },
      { URL: 'tcp://1.2.3.4:2376' },
    );
    expect(Object.keys(config)).toEqual([
      'IPAddress',
      'MachineName',
      'SSHUser',
      'SSHPort',
      'SSHKeyPath',
      'StorePath',
      'SwarmMaster',
      'SwarmHost',
      'SwarmDiscovery',
      'URL',
      'FutureKey',
    ]);
    expect(config).toMatchObject({ IPAddress: '1.2.3.4', SwarmMaster: true, URL: 'tcp://1.2.3.4:2376', FutureKey: 1 });
  });
});

describe('splitBaseConfig', () => {
  it('splits a driver’s whole config into the base keys and its own, which compose back to it', () => {
    const vm = machine({ Later: 1 });
    const whole = { ...baseDriverConfig(vm), SSHPort: 40022, EnginePort: 42376, Memory: 1024 };
    const { base, own } = splitBaseConfig(whole);
    expect(own).toEqual({ EnginePort: 42376, Memory: 1024 });
    expect(base).toEqual(baseDriverConfig(machine({ SSHPort: 40022 })));
    expect(composeDriverConfig(vm, base, own)).toEqual({ ...whole, Later: 1 });
  });
});
