import { isBerthError } from '@berth/driver-protocol';
import type { ScriptRule } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { upgradeEngine } from '../../../src/provision/index.js';
import { SshSession } from '../../../src/ssh/index.js';
import { useScriptedHosts } from './support/scripted-provision.js';

const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q';

const hosts = useScriptedHosts();

interface Packages {
  /** Installed engine packages: name → version. */
  installed: Map<string, string>;
  /** The version `install --only-upgrade` brings. */
  candidate: string;
  aptUpdateFails?: boolean;
  upgradeFails?: boolean;
}

/** dpkg and apt of the host, as rules over a small package table. */
function packageRules(packages: Packages): ScriptRule[] {
  return [
    {
      match: /^dpkg-query -W -f='\$\{Package\} \$\{Status\} \$\{Version\}\\n' docker-ce docker\.io moby-engine /,
      reply: () => ({
        stdout: [...packages.installed].map(([name, version]) => `${name} install ok installed ${version}\n`).join(''),
      }),
    },
    {
      match: `${APT} update`,
      reply: () => (packages.aptUpdateFails ? { code: 100, stderr: 'E: Failed to fetch\n' } : {}),
    },
    {
      match: new RegExp(`^${APT.replace(/[.]/g, '\\.')} install -y --only-upgrade (\\S+)$`),
      reply: (_exec, [, name]) => {
        if (packages.upgradeFails)
          return { code: 100, stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)\n' };
        packages.installed.set(name as string, packages.candidate);
        return {};
      },
    },
    { match: 'systemctl restart docker.service', reply: {} },
    {
      match: /^dpkg-query -W -f='\$\{Version\}' (\S+)$/,
      reply: (_exec, [, name]) => ({ stdout: packages.installed.get(name as string) ?? '' }),
    },
  ];
}

async function upgradeOn(packages: Packages) {
  const host = await hosts.start({ rules: packageRules(packages) });
  const { keyPath } = hosts.store;
  const ssh = await SshSession.connect({ host: host.ssh.address, port: host.port, user: 'root', keyPath });
  const lines: string[] = [];
  try {
    return { outcome: await upgradeEngine(ssh, (line) => lines.push(line)).catch((e: unknown) => e), lines, host };
  } finally {
    ssh.close();
  }
}

describe('upgradeEngine over SSH against a scripted Debian 12 host', () => {
  it('upgrades the package that is really installed (docker.io), then restarts the daemon', async () => {
    const { outcome, lines, host } = await upgradeOn({
      installed: new Map([['docker.io', '20.10.24+dfsg1-1+deb12u1']]),
      candidate: '20.10.24+dfsg1-1+deb12u2',
    });
    expect(outcome).toEqual({
      packageName: 'docker.io',
      before: '20.10.24+dfsg1-1+deb12u1',
      after: '20.10.24+dfsg1-1+deb12u2',
    });
    expect(lines).toEqual(['Upgrading docker...', 'Restarting docker...']);
    expect(host.scripts().slice(1)).toEqual([
      `${APT} update`,
      `${APT} install -y --only-upgrade docker.io`,
      'systemctl restart docker.service',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a dpkg-query format string
      "dpkg-query -W -f='${Version}' docker.io",
    ]);
    // docker-machine asked for docker-engine, which current Debian does not have.
    expect(host.scripts().join('\n')).not.toContain('docker-engine');
    expect(host.ssh.unanswered).toEqual([]);
  });

  it('upgrades from the lists already on the host when apt cannot refresh them', async () => {
    const { outcome, lines } = await upgradeOn({
      installed: new Map([['docker-ce', '5:24.0.7-1~debian.12~bookworm']]),
      candidate: '5:24.0.9-1~debian.12~bookworm',
      aptUpdateFails: true,
    });
    expect(outcome).toMatchObject({ packageName: 'docker-ce', after: '5:24.0.9-1~debian.12~bookworm' });
    expect(lines).toEqual([
      'Upgrading docker...',
      'Could not refresh the package lists; upgrading from the lists already on the machine.',
      'Restarting docker...',
    ]);
  });

  it('refuses with ProvisionFailed when no engine package is installed, and runs no apt', async () => {
    const { outcome, lines, host } = await upgradeOn({ installed: new Map(), candidate: '' });
    expect(isBerthError(outcome) && outcome.code).toBe('ProvisionFailed');
    expect((outcome as Error).message).toBe(
      'Error running provisioning: upgrading Docker: no docker-ce or docker.io package is installed on the machine',
    );
    expect(lines).toEqual([]);
    expect(host.scripts()).toHaveLength(1);
  });

  it('names the failed upgrade step and does not restart the daemon', async () => {
    const { outcome, host } = await upgradeOn({
      installed: new Map([['docker.io', '20.10.24+dfsg1-1+deb12u1']]),
      candidate: '',
      upgradeFails: true,
    });
    expect(isBerthError(outcome) && outcome.code).toBe('ProvisionFailed');
    if (!isBerthError(outcome)) return;
    expect(outcome.data.step).toBe('upgrading docker.io');
    expect(outcome.message).toContain('exit status 100: E: Sub-process /usr/bin/dpkg returned an error code (1)');
    expect(host.scripts()).not.toContain('systemctl restart docker.service');
  });
});
