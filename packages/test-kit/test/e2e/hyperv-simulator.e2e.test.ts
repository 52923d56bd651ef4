import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNoCloudSeed } from '@berth/driver-sdk/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryDocker } from '../../src/engine/docker.js';
import { runCommand } from '../../src/engine/run-command.js';
import { TestSession } from '../../src/session/session.js';
import { LABEL_SIMULATOR, waitForSshd } from '../../src/simulators/guest/index.js';
import {
  type HypervSimulator,
  KVP_PACKAGE,
  PowerShellSession,
  type SessionAnswer,
  startHypervSimulator,
  vhdFooter,
} from '../../src/simulators/hyperv/index.js';
import { generateKeyPair } from '../../src/ssh/key-pair.js';
import { sshExec } from '../../src/ssh/ssh-exec.js';

// guests: true — a VM is a real test-kit host on the docker network standing for its switch,
// configured from the NoCloud seed in its DVD drive, reporting addresses only once sshd is up and
// the seed installs Hyper-V's KVP daemon.
const q = (text: string) => `'${text.replace(/'/g, "''")}'`;
const SELECT =
  "Select-Object Name, @{n='Id';e={\"$($_.VMId)\"}}, @{n='State';e={\"$($_.State)\"}}, @{n='IPAddresses';e={@($_.NetworkAdapters | ForEach-Object { $_.IPAddresses })}}";
const B5 = (n: string) => `Hyper-V\\Get-VM -Name ${q(n)} | ${SELECT}`;

interface VmAnswer {
  Name: string;
  State: string;
  IPAddresses: string[];
}

function value(answer: SessionAnswer): unknown[] {
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.value;
}

async function vmAnswer(ps: PowerShellSession, name: string): Promise<VmAnswer> {
  const [vm] = value(await ps.request(B5(name))) as VmAnswer[];
  if (!vm) throw new Error(`B5 ${name} answered no VM`);
  return vm;
}

describe('Hyper-V simulator with real guests', () => {
  let session: TestSession;
  let sim: HypervSimulator;
  let dir: string;
  const key = generateKeyPair('berth-hv-e2e');

  beforeAll(async () => {
    session = await TestSession.create();
    sim = await startHypervSimulator({ session, guests: true });
    dir = await mkdtemp(join(tmpdir(), 'berth-hv-e2e-'));
  });

  afterAll(async () => {
    await sim?.close();
    await session?.clean();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** What Berth's driver writes into the machine dir before B6, then B6–B9 and B11. */
  async function createAndStart(ps: PowerShellSession, name: string, packages: string[]): Promise<string> {
    const m = join(dir, name);
    await mkdir(m, { recursive: true });
    await writeFile(join(m, 'fixed.vhd'), Buffer.concat([Buffer.alloc(1024 * 1024), vhdFooter(1024 * 1024, 2)]));
    await writeNoCloudSeed(join(m, 'seed.iso'), {
      instanceId: `iid-${name}`,
      hostname: name,
      sshAuthorizedKeys: [key.publicKey],
      packages,
    });
    const bodies = [
      `Hyper-V\\Convert-VHD -Path ${q(`${m}/fixed.vhd`)} -DestinationPath ${q(`${m}/disk.vhdx`)} -VHDType Dynamic -DeleteSource`,
      `Hyper-V\\New-VM -Name ${q(name)} -Path ${q(m)} -Generation 2 -MemoryStartupBytes 2048MB -SwitchName 'Default Switch' -VHDPath ${q(`${m}/disk.vhdx`)}`,
      `Hyper-V\\Set-VMFirmware -VMName ${q(name)} -SecureBootTemplate 'MicrosoftUEFICertificateAuthority'`,
      `Hyper-V\\Add-VMDvdDrive -VMName ${q(name)} -Path ${q(`${m}/seed.iso`)}`,
      `Hyper-V\\Start-VM -Name ${q(name)}`,
    ];
    for (const body of bodies) expect(value(await ps.request(body))).toEqual([]);
    return m;
  }

  it("docker-machine's one-shot calls: a boot2docker disk from New-VHD's file, Start-VM, the IP query, SSH as docker", async () => {
    const m = join(dir, 'default');
    await mkdir(join(m, 'tar', '.ssh'), { recursive: true });
    await writeFile(join(m, 'tar', 'boot2docker, please format-me'), 'boot2docker, please format-me');
    await writeFile(join(m, 'tar', '.ssh', 'authorized_keys'), `${key.publicKey}\n`);
    await writeFile(join(m, 'boot2docker.iso'), 'stands for the boot2docker ISO');
    const env = { ...process.env, ...sim.env() };
    const ps = (...pieces: string[]) => {
      const ran = spawnSync('powershell.exe', ['-NoProfile', '-NonInteractive', ...pieces], { env, encoding: 'utf8' });
      return { code: ran.status, out: ran.stdout, err: ran.stderr };
    };
    const fixed = join(m, 'fixed.vhd');
    expect(ps('Hyper-V\\New-VHD', '-Path', `'${fixed}'`, '-SizeBytes', '10MB', '-Fixed').code).toBe(0);
    // D writes the tar over the start of the fixed VHD's data.
    const made = await runCommand('tar', [
      '-c',
      '-f',
      join(m, 'b2d.tar'),
      '-C',
      join(m, 'tar'),
      'boot2docker, please format-me',
      '.ssh/authorized_keys',
    ]);
    expect(made.code).toBe(0);
    const handle = await open(fixed, 'r+');
    await handle.write(await readFile(join(m, 'b2d.tar')), 0, undefined, 0);
    await handle.close();
    const disk = join(m, 'disk.vhd');
    for (const pieces of [
      [
        'Hyper-V\\Convert-VHD',
        '-Path',
        `'${fixed}'`,
        '-DestinationPath',
        `'${disk}'`,
        '-VHDType',
        'Dynamic',
        '-DeleteSource',
      ],
      ['Hyper-V\\Resize-VHD', '-Path', `'${disk}'`, '-SizeBytes', '20000MB'],
      [
        'Hyper-V\\New-VM',
        'default',
        '-Path',
        `'${m}'`,
        '-SwitchName',
        "'External Wireless'",
        '-MemoryStartupBytes',
        '1024MB',
      ],
      ['Hyper-V\\Set-VMDvdDrive', '-VMName', 'default', '-Path', `'${join(m, 'boot2docker.iso')}'`],
      ['Hyper-V\\Add-VMHardDiskDrive', '-VMName', 'default', '-Path', `'${disk}'`],
      ['Hyper-V\\Start-VM', 'default'],
    ]) {
      const ran = ps(...pieces);
      expect({ code: ran.code, err: ran.err }, pieces.join(' ')).toEqual({ code: 0, err: '' });
    }
    expect(ps('(', 'Hyper-V\\Get-VM', 'default', ').state').out).toBe('Running\r\n');
    // D's wait: the first line of the IP query, polled until it is not empty.
    const deadline = Date.now() + 120_000;
    let ip = '';
    while (ip === '' && Date.now() < deadline) {
      ip = ps('((', 'Hyper-V\\Get-VM', 'default', ').networkadapters[0]).ipaddresses[0]').out.split('\r\n')[0] ?? '';
      if (ip === '') await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(ip).toMatch(/^192\.168\.25\.\d+$/);
    const login = { address: ip, port: 22, user: 'docker', privateKey: key.privateKey };
    const who = await sshExec(login, 'id -un; sudo -n true && echo sudo-ok');
    expect(who.stdout.trim().split('\n')).toEqual(['docker', 'sudo-ok']);
    expect(ps('Hyper-V\\Stop-VM', 'default').code).toBe(0);
    expect(ps('(', 'Hyper-V\\Get-VM', 'default', ').state').out).toBe('Off\r\n');
    expect(ps('Hyper-V\\Remove-VM', 'default', '-Force').code).toBe(0);
    expect(await sim.leftovers()).toEqual([]);
  });

  it('boots from the seed, reports its IPv4 once sshd is up, takes SSH with the key, stops and is removed', async () => {
    const ps = PowerShellSession.open({ ...process.env, ...sim.env() });
    await createAndStart(ps, 'hvweb', [KVP_PACKAGE]);
    // Its only container so far; sshd is held down until the first queries have been answered.
    const listed = await tryDocker(['ps', '-q', '--filter', `label=${LABEL_SIMULATOR}=${sim.simulatorId}`]);
    const container = listed.stdout.trim();
    expect(container).toMatch(/^[0-9a-f]+$/);
    expect((await tryDocker(['exec', container, 'systemctl', 'stop', 'ssh'])).code).toBe(0);
    expect(await vmAnswer(ps, 'hvweb')).toMatchObject({ State: 'Running', IPAddresses: [] });
    await createAndStart(ps, 'nokvp', []);
    expect((await vmAnswer(ps, 'hvweb')).IPAddresses).toEqual([]);
    expect((await tryDocker(['exec', container, 'systemctl', 'start', 'ssh'])).code).toBe(0);

    const deadline = Date.now() + 120_000;
    let vm = await vmAnswer(ps, 'hvweb');
    while (!vm.IPAddresses.some((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      vm = await vmAnswer(ps, 'hvweb');
    }
    expect(vm.State).toBe('Running');
    const [ipv4, linkLocal] = vm.IPAddresses;
    expect(ipv4).toMatch(/^192\.168\.240\.\d+$/);
    const record = (await sim.vms()).find((candidate) => candidate.name === 'hvweb');
    expect(record?.macAddress).toMatch(/^00155D[0-9A-F]{6}$/);
    const mac = (record?.macAddress ?? '').toLowerCase();
    // Modified EUI-64 of the MAC (00155Dxxyyzz -> fe80::215:5dff:fexx:yyzz).
    expect(linkLocal).toBe(`fe80::215:5dff:fe${mac.slice(6, 8)}:${Number.parseInt(mac.slice(8), 16).toString(16)}`);

    const login = { address: ipv4 as string, port: 22, user: 'docker', privateKey: key.privateKey };
    const who = await sshExec(login, 'hostname; id -un; sudo -n true && echo sudo-ok; cat /sys/class/net/*/address');
    expect(who.code).toBe(0);
    const lines = who.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['hvweb', 'docker', 'sudo-ok']);
    expect(lines).toContain(mac.match(/../g)?.join(':'));

    // Knobs: only the link-local address, then none at all.
    await sim.setFaults({ ipv6Only: true });
    expect((await vmAnswer(ps, 'hvweb')).IPAddresses).toEqual([linkLocal]);
    await sim.setFaults({ ipv6Only: false, neverReportIp: true });
    expect((await vmAnswer(ps, 'hvweb')).IPAddresses).toEqual([]);
    await sim.setFaults({ neverReportIp: false });

    // A seed without hyperv-daemons: sshd answers, yet Hyper-V never learns an address.
    const other = (await sim.vms()).find((candidate) => candidate.name === 'nokvp');
    expect(other?.leasedIpv4).toMatch(/^192\.168\.240\.\d+$/);
    expect(await waitForSshd(other?.leasedIpv4 as string, 22, 120_000)).toBe(true);
    expect((await vmAnswer(ps, 'nokvp')).IPAddresses).toEqual([]);

    // Graceful stop: the guest powers itself off and the cmdlet returns once it is Off.
    expect(value(await ps.request("Hyper-V\\Stop-VM -Name 'hvweb'"))).toEqual([]);
    expect(await vmAnswer(ps, 'hvweb')).toMatchObject({ State: 'Off', IPAddresses: [] });
    expect(record?.guest?.container).toBe(
      (await tryDocker(['inspect', '--format', '{{.Name}}', container])).stdout.trim().slice(1),
    );
    const inspected = await tryDocker(['inspect', '--format', '{{.State.Status}}', container]);
    expect(inspected.stdout.trim()).toBe('exited');
    expect(value(await ps.request("Hyper-V\\Stop-VM -Name 'nokvp' -TurnOff"))).toEqual([]);
    for (const name of ['hvweb', 'nokvp']) {
      expect(value(await ps.request(`Hyper-V\\Remove-VM -Name ${q(name)} -Force`))).toEqual([]);
    }
    expect(await sim.vms()).toEqual([]);
    expect(await ps.close()).toBe(0);
    expect((await tryDocker(['inspect', container])).code).not.toBe(0);
    // The switch's docker network went with its last VM.
    expect(await sim.leftovers()).toEqual([]);
    await sim.close();
    expect(await sim.leftovers()).toEqual([]);
  });
});
