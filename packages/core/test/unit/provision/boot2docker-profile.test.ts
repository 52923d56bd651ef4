import { BOOT2DOCKER_OS_RELEASE } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import {
  BOOT2DOCKER_CERT_PATHS,
  BOOT2DOCKER_PROFILE_PATH,
  renderBoot2DockerProfile,
} from '../../../src/provision/boot2docker-profile.js';
import { detectProvisioner, parseOsRelease } from '../../../src/provision/index.js';
import { defaultEngineOptions } from '../../../src/store/new-host-config.js';

describe('renderBoot2DockerProfile', () => {
  it("writes docker-machine's profile for a virtualbox machine with default engine options", () => {
    const profile = renderBoot2DockerProfile({
      enginePort: 2376,
      driverName: 'virtualbox',
      engine: defaultEngineOptions(),
    });
    expect(BOOT2DOCKER_PROFILE_PATH).toBe('/var/lib/boot2docker/profile');
    expect(profile).toBe(
      [
        '',
        "EXTRA_ARGS='",
        '--label provider=virtualbox',
        '',
        "'",
        'CACERT=/var/lib/boot2docker/ca.pem',
        "DOCKER_HOST='-H tcp://0.0.0.0:2376'",
        'DOCKER_STORAGE=overlay2',
        'DOCKER_TLS=auto',
        'SERVERKEY=/var/lib/boot2docker/server-key.pem',
        'SERVERCERT=/var/lib/boot2docker/server.pem',
        '',
        '',
      ].join('\n'),
    );
    expect(profile).toContain(`CACERT=${BOOT2DOCKER_CERT_PATHS.ca}\n`);
  });

  it('puts every engine option into EXTRA_ARGS, one a line, user labels before provider=, env as exports', () => {
    const profile = renderBoot2DockerProfile({
      enginePort: 2377,
      driverName: 'generic',
      engine: {
        ...defaultEngineOptions(),
        Labels: ['env=test', 'team=core'],
        InsecureRegistry: ['10.0.0.0/8'],
        RegistryMirror: ['https://mirror.example.test'],
        LogLevel: 'debug',
        ArbitraryFlags: ['dns=8.8.8.8', 'max-concurrent-downloads=2'],
        StorageDriver: 'vfs',
        Env: ['HTTP_PROXY=http://127.0.0.1:3128', 'NO_PROXY=localhost,127.0.0.1'],
      },
    });
    expect(profile).toBe(
      [
        '',
        "EXTRA_ARGS='",
        '--label env=test',
        '--label team=core',
        '--label provider=generic',
        '--insecure-registry 10.0.0.0/8',
        '--registry-mirror https://mirror.example.test',
        '--log-level=debug',
        '--dns=8.8.8.8',
        '--max-concurrent-downloads=2',
        '',
        "'",
        'CACERT=/var/lib/boot2docker/ca.pem',
        "DOCKER_HOST='-H tcp://0.0.0.0:2377'",
        'DOCKER_STORAGE=vfs',
        'DOCKER_TLS=auto',
        'SERVERKEY=/var/lib/boot2docker/server-key.pem',
        'SERVERCERT=/var/lib/boot2docker/server.pem',
        '',
        'export "HTTP_PROXY=http://127.0.0.1:3128"',
        'export "NO_PROXY=localhost,127.0.0.1"',
        '',
      ].join('\n'),
    );
  });

  it('quotes what the shell sourcing the profile would otherwise expand or cut', () => {
    const profile = renderBoot2DockerProfile({
      enginePort: 2376,
      driverName: 'generic',
      engine: {
        ...defaultEngineOptions(),
        Labels: ["owner=o'brien"],
        Env: ['GREETING=say "hi" to $USER `now` \\o/'],
        StorageDriver: 'overlay2; reboot',
      },
    });
    expect(profile).toContain("\n--label owner=o'\\''brien\n");
    expect(profile).toContain('\nexport "GREETING=say \\"hi\\" to \\$USER \\`now\\` \\\\o/"\n');
    expect(profile).toContain("\nDOCKER_STORAGE='overlay2; reboot'\n");
  });
});

describe('detectProvisioner for boot2docker', () => {
  it("picks boot2docker by its ID (its ID_LIKE is Tiny Core's)", () => {
    const os = parseOsRelease(BOOT2DOCKER_OS_RELEASE);
    expect(os).toMatchObject({ id: 'boot2docker', idLike: ['tcl'] });
    expect(detectProvisioner(os)).toBe('boot2docker');
  });

  it('does not take an OS that is only like boot2docker for boot2docker', () => {
    const os = parseOsRelease('ID=tinycore\nID_LIKE=boot2docker\nPRETTY_NAME="Tiny Core"\n');
    expect(() => detectProvisioner(os)).toThrow(/ID=tinycore, ID_LIKE=boot2docker/);
  });
});
