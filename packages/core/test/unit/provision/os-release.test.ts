import { isBerthError } from '@berth/driver-protocol';
import { DEBIAN_12_OS_RELEASE } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { detectProvisioner, parseOsRelease } from '../../../src/provision/index.js';
import { dmSshOutput } from './support/dm-debug-log.js';

describe('parseOsRelease', () => {
  it('reads what Debian 12 answered docker-machine, which is what the scripted host answers too', async () => {
    const recorded = await dmSshOutput('cat /etc/os-release');
    expect(recorded).toBe(DEBIAN_12_OS_RELEASE);
    expect(parseOsRelease(recorded)).toEqual({
      id: 'debian',
      idLike: [],
      versionId: '12',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
  });

  it('unquotes single and double quotes and shell escapes, lower-cases IDs, skips other lines', () => {
    const text = [
      '# a comment',
      '',
      "NAME='Odd Linux'",
      'PRETTY_NAME="Odd \\"Linux\\" \\$1 \\\\ edition"',
      'ID=OddLinux\r',
      'ID_LIKE="Ubuntu  Debian"',
      'VERSION_ID=3.1',
      'not a field',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      id: 'oddlinux',
      idLike: ['ubuntu', 'debian'],
      versionId: '3.1',
      prettyName: 'Odd "Linux" $1 \\ edition',
    });
  });

  it('falls back to NAME, then to a generic name, when PRETTY_NAME is missing', () => {
    expect(parseOsRelease('NAME="Alpine Linux"\nID=alpine\n').prettyName).toBe('Alpine Linux');
    expect(parseOsRelease('ID=alpine\n')).toEqual({
      id: 'alpine',
      idLike: [],
      versionId: '',
      prettyName: 'an unknown OS',
    });
  });
});

describe('detectProvisioner', () => {
  const os = (id: string, idLike = '') => parseOsRelease(`ID=${id}\nID_LIKE="${idLike}"\nPRETTY_NAME="${id} OS"\n`);

  it.each([
    ['debian', '', 'debian'],
    ['ubuntu', 'debian', 'ubuntu(systemd)'],
    ['raspbian', 'debian', 'debian'],
    ['linuxmint', 'ubuntu debian', 'ubuntu(systemd)'],
    ['pop', 'ubuntu debian', 'ubuntu(systemd)'],
  ])('picks the provisioner of ID=%s ID_LIKE="%s" by ID, then ID_LIKE in order: %s', (id, idLike, expected) => {
    expect(detectProvisioner(os(id, idLike))).toBe(expected);
  });

  it('refuses any other family with UnsupportedOs, naming the OS and its IDs', () => {
    let error: unknown;
    try {
      detectProvisioner(parseOsRelease('ID=fedora\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n'));
    } catch (caught) {
      error = caught;
    }
    expect(isBerthError(error) && error.code).toBe('UnsupportedOs');
    if (!isBerthError(error)) return;
    expect(error.message).toBe(
      'OS type not recognized: Berth cannot provision Fedora Linux 39 (Container Image) yet (ID=fedora, ID_LIKE=-)',
    );
    expect(error.data).toEqual({ osName: 'Fedora Linux 39 (Container Image)', id: 'fedora', idLike: '' });
    expect(() => detectProvisioner(os('rhel', 'fedora centos'))).toThrow(/ID=rhel, ID_LIKE=fedora centos/);
  });
});
