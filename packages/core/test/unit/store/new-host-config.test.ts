import { readFile } from 'node:fs/promises';
import { dockerMachineFixture } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { parseHostConfig, serializeHostConfig } from '../../../src/store/config-json.js';
import { newHostConfig } from '../../../src/store/new-host-config.js';
import { storeAt } from '../../../src/store/store-layout.js';

// The store path docker-machine used when it recorded the fixtures.
const store = storeAt('/home/dmuser/.docker/machine');

describe('newHostConfig', () => {
  it('writes the same bytes docker-machine wrote for dm-generic', async () => {
    const expected = await readFile(dockerMachineFixture('store', 'machines', 'dm-generic', 'config.json'), 'utf8');
    const driver = parseHostConfig(expected, { machineName: 'dm-generic', configPath: 'x' }).config.Driver;
    const config = newHostConfig({
      store,
      name: 'dm-generic',
      driverName: 'generic',
      driver,
      // Given out of order on purpose: the output order must not depend on it.
      engineOptions: {
        Labels: ['env=test'],
        Env: ['HTTP_PROXY=http://127.0.0.1:3128'],
        ArbitraryFlags: ['log-level=warn'],
      },
      authOptions: { ServerCertSANs: ['legacy.example.test'] },
    });
    expect(serializeHostConfig(config)).toBe(expected);
  });

  it('writes the same bytes docker-machine wrote for legacy-none', async () => {
    const expected = await readFile(dockerMachineFixture('store', 'machines', 'legacy-none', 'config.json'), 'utf8');
    const driver = JSON.parse(expected).Driver;
    const config = newHostConfig({ store, name: 'legacy-none', driverName: 'none', driver });
    expect(serializeHostConfig(config)).toBe(expected);
  });

  it('points auth paths into the store and the machine dir', () => {
    const config = newHostConfig({ store: storeAt('/s'), name: 'm', driverName: 'none', driver: {} });
    expect(config.HostOptions.AuthOptions).toMatchObject({
      CertDir: '/s/certs',
      CaCertPath: '/s/certs/ca.pem',
      CaPrivateKeyPath: '/s/certs/ca-key.pem',
      ClientCertPath: '/s/certs/cert.pem',
      ClientKeyPath: '/s/certs/key.pem',
      ServerCertPath: '/s/machines/m/server.pem',
      ServerKeyPath: '/s/machines/m/server-key.pem',
      StorePath: '/s/machines/m',
    });
  });

  it('gives every record its own option objects', () => {
    const a = newHostConfig({ store, name: 'a', driverName: 'none', driver: {} });
    const b = newHostConfig({ store, name: 'b', driverName: 'none', driver: {} });
    a.HostOptions.EngineOptions.Labels?.push('x');
    expect(b.HostOptions.EngineOptions.Labels).toEqual([]);
  });
});
