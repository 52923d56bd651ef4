import { readFile } from 'node:fs/promises';
import {
  docker,
  LABEL_KIT,
  LABEL_OWNER,
  LABEL_RUN,
  reapOrphans,
  type TestHost,
  TestSession,
  tryDocker,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function leftovers(session: TestSession): Promise<{ containers: string; volumes: string; reapers: string }> {
  const containers = (await tryDocker(['ps', '-aq', '--filter', session.labelFilter])).stdout.trim();
  const volumes = (await tryDocker(['volume', 'ls', '-q', '--filter', session.labelFilter])).stdout.trim();
  const { runCommand } = await import('@berth/test-kit');
  const reapers = (await runCommand('pgrep', ['-f', `reaper-main.js ${session.runId}`])).stdout.trim();
  return { containers, volumes, reapers };
}

// When PID 1 (systemd) started, in clock ticks since the machine booted: changes on every boot.
const PID1_START = "cut -d' ' -f22 /proc/1/stat";

describe('test kit: real Debian hosts on a real Docker engine', () => {
  let session: TestSession;
  let hosts: TestHost[];
  let adopt: TestHost;

  beforeAll(async () => {
    session = await TestSession.create();
    // Three plain hosts and one with Docker preinstalled, all started in parallel.
    [hosts, adopt] = await Promise.all([session.startHosts(3), session.startHost({ variant: 'adopt' })]);
  });

  afterAll(async () => {
    await session?.clean();
  });

  it('starts three hosts in parallel, each reachable as root and as the sudo user', async () => {
    expect(new Set(hosts.map((h) => h.address)).size).toBe(3);
    for (const host of hosts) {
      expect((await host.mustExec('id -u')).trim()).toBe('0');
      expect((await host.mustExec('sudo -n id -u', { user: host.sudoUser })).trim()).toBe('0');
      expect((await host.mustExec('id -un', { user: host.sudoUser })).trim()).toBe('berth');
      const state = await host.exec('systemctl is-system-running --wait', { timeoutMs: 120_000 });
      expect(['running', 'degraded']).toContain(state.stdout.trim());
      expect((await host.mustExec('. /etc/os-release && echo $ID $VERSION_ID')).trim()).toBe('debian 12');
    }
  });

  it('installs an engine through the install-script URL and runs a container from the tiny image', async () => {
    const host = hosts[0] as TestHost;
    expect((await host.exec('command -v dockerd')).code).not.toBe(0);
    const install = await host.exec(`curl -fsSL ${session.installScriptUrl} | sh`, {
      user: host.sudoUser,
      timeoutMs: 300_000,
    });
    expect(install.code, install.stderr).toBe(0);
    expect(session.installScriptFetches()).toBeGreaterThanOrEqual(1);
    const version = await host.mustExec("docker version --format '{{.Server.Version}}'");
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const loaded = await host.mustExec('docker load', { input: await readFile(session.images.tinyTar) });
    expect(loaded).toContain(session.images.tiny);
    const run = await host.mustExec(`docker run --rm ${session.images.tiny} echo hello-from-inner-engine`);
    expect(run.trim()).toBe('hello-from-inner-engine');
  });

  it('the install script fails loudly where it cannot install', async () => {
    const host = hosts[2] as TestHost;
    await host.mustExec('mkdir -p /root/cache-aside && mv /var/cache/apt/archives/docker.io_*.deb /root/cache-aside/');
    const install = await host.exec(`curl -fsSL ${session.installScriptUrl} | sh`, { timeoutMs: 120_000 });
    await host.mustExec('mv /root/cache-aside/*.deb /var/cache/apt/archives/');
    expect(install.code).not.toBe(0);
    expect(install.stderr).toContain('docker.io is not in the apt cache');
  });

  it('the adopt variant answers docker version as soon as it boots', async () => {
    await adopt.exec('systemctl is-system-running --wait', { timeoutMs: 120_000 });
    const version = await adopt.mustExec("docker version --format '{{.Server.Version}}'", { timeoutMs: 30_000 });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names of public registries do not resolve on a test host', async () => {
    const lookup = await (hosts[1] as TestHost).exec('getent hosts deb.debian.org registry-1.docker.io');
    expect(lookup.code).not.toBe(0);
    expect(lookup.stdout.trim()).toBe('');
  });

  it('allows in-place edits of /etc/hosts and hostnamectl, as on a VM', async () => {
    const host = hosts[2] as TestHost;
    await host.mustExec("sed -i 's/^127.0.0.1.*/127.0.0.1\\tlocalhost edited-in-place/' /etc/hosts");
    expect(await host.mustExec('cat /etc/hosts')).toContain('edited-in-place');
    await host.mustExec('hostnamectl set-hostname renamed-host');
    expect((await host.mustExec('hostname')).trim()).toBe('renamed-host');
    expect((await host.mustExec('cat /etc/hostname')).trim()).toBe('renamed-host');
  });

  it('survives a reboot from inside with the same disk; a power-off stays off until started', async () => {
    const host = hosts[1] as TestHost;
    await host.mustExec('echo kept > /root/marker && hostnamectl set-hostname rebooted-host');
    const bootBefore = (await host.mustExec(PID1_START)).trim();
    const addressBefore = host.address;
    await host.exec('systemctl reboot').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2_000));
    await host.waitForSsh(120_000);
    // Like a VM with a static IP, the host keeps its address across the reboot.
    expect(host.address).toBe(addressBefore);
    expect((await host.mustExec('cat /root/marker')).trim()).toBe('kept');
    expect((await host.mustExec('hostname')).trim()).toBe('rebooted-host');
    const bootAfter = (await host.mustExec(PID1_START)).trim();
    expect(bootAfter).not.toBe(bootBefore);

    await host.exec('systemctl poweroff').catch(() => undefined);
    const deadline = Date.now() + 60_000;
    while ((await host.containerState()) !== 'exited' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await host.containerState()).toBe('exited');
    const address = host.address;
    await host.powerOn();
    await host.waitForSsh(120_000);
    expect(host.address).toBe(address);
    expect((await host.mustExec('cat /root/marker')).trim()).toBe('kept');
    // A cloud instance without a reserved IP comes back elsewhere: the simulators use this.
    await host.powerOff();
    await host.powerOn({ newAddress: true });
    expect(host.address).not.toBe(address);
    await host.waitForSsh(120_000);
    expect((await host.mustExec('cat /root/marker')).trim()).toBe('kept');
  });

  it('clean() leaves no container, volume or process behind', async () => {
    const probe = await TestSession.create();
    await probe.startHost();
    expect((await leftovers(probe)).containers).not.toBe('');
    await probe.clean();
    await new Promise((r) => setTimeout(r, 500));
    expect(await leftovers(probe)).toEqual({ containers: '', volumes: '', reapers: '' });
  });

  it('a later run reaps what a killed earlier run left behind', async () => {
    const run = `orphan${Date.now()}`;
    // Owned by a process that no longer exists, as after a SIGKILLed run.
    const labels = [
      '--label',
      `${LABEL_KIT}=1`,
      '--label',
      `${LABEL_RUN}=${run}`,
      '--label',
      `${LABEL_OWNER}=999999999:0`,
    ];
    await docker(['volume', 'create', ...labels, `${run}-vol`]);
    await docker(['create', ...labels, '--name', run, session.images.tiny, 'true']);
    expect(await reapOrphans()).toContain(run);
    expect((await tryDocker(['ps', '-aq', '--filter', `label=${LABEL_RUN}=${run}`])).stdout.trim()).toBe('');
    expect((await tryDocker(['volume', 'ls', '-q', '--filter', `label=${LABEL_RUN}=${run}`])).stdout.trim()).toBe('');
    // The live session's hosts were left alone.
    expect((await tryDocker(['ps', '-q', '--filter', session.labelFilter])).stdout.trim()).not.toBe('');
  });
});
