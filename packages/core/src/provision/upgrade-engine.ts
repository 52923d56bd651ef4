import type { SshSession } from '@berth/driver-sdk/ssh';
import { ProvisionFailedError } from '../errors/provision-errors.js';
import { Boot2DockerUpgradeNotSupportedError } from './boot2docker-errors.js';
import { parseOsRelease } from './os-release.js';
import { remoteStep } from './remote-step.js';

const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q';

export interface UpgradeResult {
  /** The engine package that is installed: docker-ce (get.docker.com) or docker.io (Debian/Ubuntu). */
  packageName: string;
  before: string;
  after: string;
}

/**
 * Upgrades the engine package that is really installed. Docker Machine asked apt for
 * `docker-engine`, which current Debian and Ubuntu do not have, and failed.
 */
export async function upgradeEngine(
  ssh: SshSession,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<UpgradeResult> {
  // One round trip: the engine packages dpkg knows, and the OS (boot2docker has no dpkg).
  const probe = (
    await ssh.run(
      // dpkg-query's own ${Field} syntax, not a template literal.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format string
      "dpkg-query -W -f='${Package} ${Status} ${Version}\\n' docker-ce docker.io moby-engine 2>/dev/null | grep 'install ok installed'; grep -s -e '^ID=' -e '^PRETTY_NAME=' /etc/os-release; true",
      { sudo: true },
    )
  ).stdout;
  const os = parseOsRelease(probe);
  if (os.id === 'boot2docker') throw new Boot2DockerUpgradeNotSupportedError(os.prettyName);
  const installed = probe.split('\n').filter((line) => line.includes(' install ok installed '));
  const first = installed[0]?.split(' ');
  if (!first?.[0]) {
    throw new ProvisionFailedError(
      'upgrading Docker',
      'no docker-ce or docker.io package is installed on the machine',
      ['Run `berth provision NAME` to install Docker first.'],
    );
  }
  const packageName = first[0];
  const before = first[first.length - 1] ?? '';
  progress('Upgrading docker...');
  const update = await ssh.run(`${APT} update`, { sudo: true, timeoutMs: 10 * 60_000, signal });
  if (update.code !== 0) {
    progress('Could not refresh the package lists; upgrading from the lists already on the machine.');
  }
  await remoteStep(ssh, `upgrading ${packageName}`, `${APT} install -y --only-upgrade ${packageName}`, {
    sudo: true,
    timeoutMs: 20 * 60_000,
    signal,
  });
  progress('Restarting docker...');
  await remoteStep(ssh, 'restarting Docker', 'systemctl restart docker.service', {
    sudo: true,
    timeoutMs: 3 * 60_000,
    signal,
  });
  const after = (await ssh.run(`dpkg-query -W -f='\${Version}' ${packageName}`, { sudo: true })).stdout.trim();
  return { packageName, before, after };
}
