import { describe, expect, it } from 'vitest';
import { type DaemonConfigInput, DROP_IN_PATH, renderDaemonDropIn } from '../../../src/provision/index.js';
import type { EngineOptions } from '../../../src/store/host-config.js';
import { defaultEngineOptions } from '../../../src/store/new-host-config.js';
import { dmSshOutput } from './support/dm-debug-log.js';

/** The engine flags of the recorded docker-machine create (`--engine-label env=test` and so on). */
const RECORDED_ENGINE: EngineOptions = {
  ...defaultEngineOptions(),
  Labels: ['env=test'],
  ArbitraryFlags: ['log-level=warn'],
  Env: ['HTTP_PROXY=http://127.0.0.1:3128'],
};

/** A drop-in for a generic machine on port 2376 of a host without docker.socket, but for `input`. */
const render = (input: Partial<DaemonConfigInput>) =>
  renderDaemonDropIn({
    dockerdPath: '/usr/bin/dockerd',
    enginePort: 2376,
    socketActivated: false,
    driverName: 'generic',
    engine: defaultEngineOptions(),
    ...input,
  });

describe('renderDaemonDropIn', () => {
  it('writes what docker-machine wrote for the same flags on a host without docker.socket', async () => {
    // docker-machine's template left a space at the end of two lines; systemd ignores it.
    const recorded = (await dmSshOutput('sudo mkdir -p /etc/systemd/system/docker.service.d')).replace(/ +$/gm, '');
    expect(DROP_IN_PATH).toBe('/etc/systemd/system/docker.service.d/10-machine.conf');
    expect(render({ engine: RECORDED_ENGINE })).toBe(recorded);
  });

  it('keeps -H fd:// on a socket-activated unit and uses the dockerd the host really has', () => {
    const rendered = render({
      dockerdPath: '/usr/sbin/dockerd',
      enginePort: 2377,
      socketActivated: true,
      driverName: 'digitalocean',
    });
    expect(rendered.split('\n')[2]).toBe(
      'ExecStart=/usr/sbin/dockerd -H tcp://0.0.0.0:2377 -H fd:// --storage-driver overlay2 --tlsverify ' +
        '--tlscacert /etc/docker/ca.pem --tlscert /etc/docker/server.pem --tlskey /etc/docker/server-key.pem ' +
        '--label provider=digitalocean',
    );
    expect(rendered).not.toContain('Environment=');
  });

  it('adds every engine option in docker-machine order and quotes words as systemd reads them', () => {
    const rendered = render({
      engine: {
        ...defaultEngineOptions(),
        StorageDriver: 'vfs',
        Labels: ['team=a b'],
        InsecureRegistry: ['10.0.0.9:5000'],
        RegistryMirror: ['https://mirror.example.test'],
        LogLevel: 'debug',
        ArbitraryFlags: ['mtu=1400'],
        Env: ['NO_PROXY=a,b', 'MOTD=100% "ok"'],
      },
    });
    const [, , execStart, environment] = rendered.split('\n');
    expect(execStart).toContain('--storage-driver vfs --tlsverify');
    expect(execStart).toMatch(
      /--label "team=a b" --label provider=generic --insecure-registry 10\.0\.0\.9:5000 --registry-mirror https:\/\/mirror\.example\.test --log-level=debug --mtu=1400$/,
    );
    // systemd: `"` and `\` escaped inside quotes, `%` doubled (it starts a specifier).
    expect(environment).toBe('Environment=NO_PROXY=a,b "MOTD=100%% \\"ok\\""');
    expect(rendered.endsWith('\n')).toBe(true);
  });
});
