// The VBoxManage simulator with guests: a VM made by hand with the contract's calls boots a real
// test host from a NoCloud seed written by the SDK, answers SSH over its NAT rule and on its
// host-only address, powers off on ACPI, and leaves nothing once removed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOCLOUD_LABEL, nocloudSeedFiles, writeIsoImage, writeNoCloudSeed } from '@berth/driver-sdk/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryDocker } from '../../src/engine/docker.js';
import { runCommand } from '../../src/engine/run-command.js';
import { TestSession } from '../../src/session/session.js';
import { startVirtualBoxSimulator, type VirtualBoxSimulator } from '../../src/simulators/virtualbox/index.js';
import { generateKeyPair } from '../../src/ssh/key-pair.js';
import { sshExec, waitForSsh } from '../../src/ssh/ssh-exec.js';
import { attachHostOnly, createCloudVm, infoValue, vbox, vboxOk } from '../unit/virtualbox-simulator-support.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForState(sim: VirtualBoxSimulator, name: string, state: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = infoValue((await vboxOk(sim, ['showvminfo', name, '--machinereadable'])).lines, 'VMState') ?? '';
    if (now === state || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** The IPv4 of the interface whose MAC is `mac` (12 hex digits), from `ip -o link` + `ip -o -4 addr`. */
function ipForMac(output: string, mac: string): string | undefined {
  const wanted = mac.toLowerCase().match(/../g)?.join(':');
  const dev = output
    .split('\n')
    .find((line) => line.includes(`link/ether ${wanted}`))
    ?.split(': ')[1]
    ?.split('@')[0];
  const addr = output.split('\n').find((line) => dev !== undefined && new RegExp(`^\\d+: ${dev}\\s+inet `).test(line));
  return addr ? /inet (\d+\.\d+\.\d+\.\d+)\//.exec(addr)?.[1] : undefined;
}

describe('VBoxManage simulator with guests', () => {
  let session: TestSession;
  let sim: VirtualBoxSimulator;
  let work: string;
  const keys = generateKeyPair('vbox-sim-e2e');

  beforeAll(async () => {
    session = await TestSession.create();
    sim = await startVirtualBoxSimulator({ session });
    work = await mkdtemp(join(tmpdir(), 'berth-vbox-e2e-'));
  });

  afterAll(async () => {
    await sim?.close();
    await session?.clean();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('boots a seeded VM, reaches it over NAT and host-only, powers off and removes it cleanly', async () => {
    const machineDir = join(work, 'machines', 'seeded');
    await mkdir(machineDir, { recursive: true });
    const image = join(work, 'cloud.qcow2');
    const header = Buffer.alloc(512);
    header.writeUInt32BE(0x514649fb, 0);
    header.writeBigUInt64BE(BigInt(2048 * 1048576), 24);
    await writeFile(image, header);
    await vboxOk(sim, ['clonemedium', 'disk', image, join(machineDir, 'disk.vmdk'), '--format', 'VMDK']);
    await vboxOk(sim, ['modifymedium', 'disk', join(machineDir, 'disk.vmdk'), '--resize', '20000']);
    const seed = join(machineDir, 'seed.iso');
    await writeNoCloudSeed(seed, {
      instanceId: 'iid-seeded',
      hostname: 'seeded-host',
      sshAuthorizedKeys: [keys.publicKey],
    });
    await createCloudVm(sim, { name: 'seeded', machineDir, disk: join(machineDir, 'disk.vmdk'), seed });
    const adapter = await attachHostOnly(sim, 'seeded', '192.168.59.1');
    const port = await freePort();
    await vbox(sim, ['modifyvm', 'seeded', '--natpf1', 'delete', 'ssh']);
    await vboxOk(sim, ['modifyvm', 'seeded', '--natpf1', `ssh,tcp,127.0.0.1,${port},,22`]);
    const started = await vboxOk(sim, ['startvm', 'seeded', '--type', 'headless']);
    expect(started.lines.at(-1)).toBe('VM "seeded" has been successfully started.');

    const info = (await vboxOk(sim, ['showvminfo', 'seeded', '--machinereadable'])).lines;
    expect(infoValue(info, 'VMState')).toBe('running');
    const log = await readFile(join(infoValue(info, 'LogFldr') ?? '', 'VBox.log'), 'utf8');
    expect(log).toContain(`host port=127.0.0.1:${port}`);
    const mac = infoValue(info, 'macaddress2') ?? '';

    const nat = { address: '127.0.0.1', port, user: 'docker', privateKey: keys.privateKey };
    await waitForSsh(nat, 120_000);
    const who = await sshExec(nat, 'hostname; id -un; sudo -n true && echo sudo-ok');
    expect(who.stdout.split('\n').slice(0, 3)).toEqual(['seeded-host', 'docker', 'sudo-ok']);
    const links = await sshExec(nat, 'ip -o link show; ip -o -4 addr show');
    const leased = ipForMac(links.stdout, mac);
    expect(leased).toBe('192.168.59.100');
    const adapters = await sim.hostOnlyAdapters();
    expect(adapters.find((a) => a.name === adapter)?.dhcpServer?.leases[mac]).toBe('192.168.59.100');
    // The host sees the adapter as an interface of its name with the adapter's address.
    expect((await runCommand('ip', ['-o', '-4', 'addr', 'show', 'dev', adapter])).stdout).toContain(
      'inet 192.168.59.1/24',
    );
    // The machine reaches the guest on the host-only network directly, as a host does.
    await waitForSsh({ ...nat, address: leased ?? '', port: 22 }, 30_000);

    await vboxOk(sim, ['controlvm', 'seeded', 'acpipowerbutton']);
    expect(await waitForState(sim, 'seeded', 'poweroff', 90_000)).toBe('poweroff');
    const afterOff = await sim.leftovers();
    expect(afterOff.filter((line) => line.startsWith('NAT forwarder'))).toEqual([]);

    // A second power-on keeps the disk, the lease and the login.
    await vboxOk(sim, ['startvm', 'seeded', '--type', 'headless']);
    await waitForSsh(nat, 120_000);
    const again = await sshExec(nat, 'hostname; ip -o link show; ip -o -4 addr show');
    expect(again.stdout.split('\n')[0]).toBe('seeded-host');
    expect(ipForMac(again.stdout, mac)).toBe('192.168.59.100');
    const container = (await sim.vms()).find((vm) => vm.name === 'seeded')?.guest?.container ?? '';
    expect(container).not.toBe('');

    // Remove as the contract's driver does.
    await vboxOk(sim, ['controlvm', 'seeded', 'poweroff']);
    await vboxOk(sim, ['unregistervm', '--delete', 'seeded']);
    await vboxOk(sim, ['dhcpserver', 'remove', '--netname', `HostInterfaceNetworking-${adapter}`]);
    await vboxOk(sim, ['hostonlyif', 'remove', adapter]);
    await vboxOk(sim, ['setextradata', 'global', `Berth/HostOnlyAdapter/${adapter}`]);
    expect(await sim.leftovers()).toEqual([]);
    expect((await tryDocker(['inspect', container])).code).not.toBe(0);
    expect((await runCommand('ip', ['link', 'show', adapter])).code).not.toBe(0);
  });

  it('refuses to boot from a seed whose label is not cidata, with the reason', async () => {
    const machineDir = join(work, 'machines', 'badseed');
    await mkdir(machineDir, { recursive: true });
    const disk = join(machineDir, 'disk.vmdk');
    await writeFile(disk, 'cloud image');
    const seed = join(machineDir, 'seed.iso');
    const spec = { instanceId: 'iid-bad', hostname: 'bad', sshAuthorizedKeys: [keys.publicKey] };
    expect(NOCLOUD_LABEL).toBe('cidata');
    await writeIsoImage(seed, { volumeId: 'config-2', files: nocloudSeedFiles(spec) });
    const before = await sim.leftovers();
    await createCloudVm(sim, { name: 'badseed', machineDir, disk, seed });
    const failed = await vbox(sim, ['startvm', 'badseed', '--type', 'headless']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('VBoxManage: error: [VBoxManage simulator] the guest cannot power on');
    expect(failed.stderr).toContain('has volume id "config-2", not "cidata"');
    expect((await sim.vms()).find((vm) => vm.name === 'badseed')?.state).toBe('poweroff');
    const during = await sim.leftovers();
    expect(during.filter((line) => line.startsWith('guest container'))).toEqual(
      before.filter((line) => line.startsWith('guest container')),
    );
    await vboxOk(sim, ['unregistervm', '--delete', 'badseed']);
    expect(await sim.leftovers()).toEqual(before);
  });
});
