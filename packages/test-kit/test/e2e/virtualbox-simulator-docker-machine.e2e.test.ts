// The real docker-machine 0.16.2 as a client of the VBoxManage simulator: its virtualbox driver's
// status, ip, ls, stop, start and kill get answers it understands about a VM the simulator holds.
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/engine/run-command.js';
import { dockerMachineFixture, sharedDir } from '../../src/fixtures/shared-fixtures.js';
import { TestSession } from '../../src/session/session.js';
import { BOOT2DOCKER_MAGIC } from '../../src/simulators/guest/index.js';
import { startVirtualBoxSimulator, type VirtualBoxSimulator } from '../../src/simulators/virtualbox/index.js';
import { generateKeyPair } from '../../src/ssh/key-pair.js';
import { waitForSsh } from '../../src/ssh/ssh-exec.js';

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

/** docker-machine's data disk: the b2d tar (magic member, .ssh, authorized_keys) then zeros. */
function boot2dockerDisk(dir: string, publicKey: string): Buffer {
  const src = join(dir, 'b2d-src');
  execFileSync('sh', [
    '-c',
    `mkdir -p "${src}/.ssh" && printf '%s' '${BOOT2DOCKER_MAGIC}' > "${src}/${BOOT2DOCKER_MAGIC}" && printf '%s\\n' "$1" > "${src}/.ssh/authorized_keys"`,
    'sh',
    publicKey,
  ]);
  const tar = execFileSync('tar', ['-C', src, '-c', BOOT2DOCKER_MAGIC, '.ssh', '.ssh/authorized_keys']);
  return Buffer.concat([tar, Buffer.alloc(1048576 - tar.length)]);
}

describe('docker-machine 0.16.2 against the VBoxManage simulator', () => {
  const dockerMachine = join(sharedDir(), 'bin', 'docker-machine');
  const keys = generateKeyPair('dm-vbox');
  let session: TestSession;
  let sim: VirtualBoxSimulator;
  let work: string;
  let store: string;
  let sshPort: number;

  const dm = (args: string[]) =>
    runCommand(dockerMachine, args, {
      env: { ...process.env, ...sim.env(), MACHINE_STORAGE_PATH: store },
      timeoutMs: 300_000,
    });

  beforeAll(async () => {
    session = await TestSession.create();
    sim = await startVirtualBoxSimulator({ session });
    work = await mkdtemp(join(tmpdir(), 'berth-vbox-dm-'));
    store = join(work, 'store');
    const machineDir = join(store, 'machines', 'dm-vbox');
    await mkdir(machineDir, { recursive: true });
    await cp(dockerMachineFixture('store-hypervisors', 'certs'), join(store, 'certs'), { recursive: true });
    sshPort = await freePort();
    const fixture = JSON.parse(
      await readFile(dockerMachineFixture('store-hypervisors', 'machines', 'dm-vbox', 'config.json'), 'utf8'),
    ) as { Driver: Record<string, unknown> };
    const config = JSON.stringify(fixture, null, 4)
      .replaceAll('/home/dmuser/.docker/machine', store)
      .replace('"SSHPort": 40537', `"SSHPort": ${sshPort}`)
      .replace('"HostOnlyCIDR": "192.168.99.1/24"', '"HostOnlyCIDR": "192.168.59.1/24"')
      .replace('"IPAddress": "192.168.99.100"', '"IPAddress": "192.168.59.100"');
    await writeFile(join(machineDir, 'config.json'), config);
    await writeFile(join(machineDir, 'id_rsa'), keys.privateKey);
    await chmod(join(machineDir, 'id_rsa'), 0o600);
    await writeFile(join(machineDir, 'id_rsa.pub'), `${keys.publicKey}\n`);
    await writeFile(join(machineDir, 'boot2docker.iso'), 'boot2docker iso stand-in');
    await writeFile(join(machineDir, 'disk.vmdk'), boot2dockerDisk(work, keys.publicKey));
    await sim.registerDockerMachineVm({
      name: 'dm-vbox',
      machineDir,
      sshPort,
      hostOnlyCidr: '192.168.59.1/24',
      boot2dockerIso: join(machineDir, 'boot2docker.iso'),
      disk: join(machineDir, 'disk.vmdk'),
      state: 'running',
    });
    await waitForSsh({ address: '127.0.0.1', port: sshPort, user: 'docker', privateKey: keys.privateKey }, 120_000);
  });

  afterAll(async () => {
    await sim?.close();
    await session?.clean();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reads state and IP the way its driver does', async () => {
    const status = await dm(['status', 'dm-vbox']);
    expect(status.stdout).toBe('Running\n');
    const ip = await dm(['ip', 'dm-vbox']);
    expect(ip.stderr).toBe('');
    expect(ip.stdout).toBe('192.168.59.100\n');
    const ls = await dm(['ls', '--format', '{{.Name}} {{.DriverName}} {{.State}} {{.URL}}']);
    expect(ls.stdout).toBe('dm-vbox virtualbox Running tcp://192.168.59.100:2376\n');
    const calls = await sim.calls();
    expect(calls.filter((call) => call.argv[0] === 'showvminfo').length).toBeGreaterThanOrEqual(4);
    expect(calls.every((call) => call.exitCode === 0)).toBe(true);
  });

  it('stops, starts and kills the VM through VBoxManage', async () => {
    const stop = await dm(['stop', 'dm-vbox']);
    expect(stop.code).toBe(0);
    expect((await dm(['status', 'dm-vbox'])).stdout).toBe('Stopped\n');
    const start = await dm(['start', 'dm-vbox']);
    const said = `${start.stdout}${start.stderr}`;
    // Every VBoxManage step of the start works; the engine check after it cannot, since this VM's
    // engine was never provisioned with TLS on :2376 (docker-machine's create would have done it).
    expect(said).toContain('Machine "dm-vbox" was started.');
    expect(said).toContain('Detecting the provisioner...');
    expect(said).not.toContain('VBoxManage');
    expect((await dm(['status', 'dm-vbox'])).stdout).toBe('Running\n');
    expect((await dm(['ip', 'dm-vbox'])).stdout).toBe('192.168.59.100\n');
    const argvs = (await sim.calls()).map((call) => call.argv.join(' '));
    expect(argvs).toContain('controlvm dm-vbox acpipowerbutton');
    expect(argvs).toContain(`modifyvm dm-vbox --natpf1 ssh,tcp,127.0.0.1,${sshPort},,22`);
    expect(argvs).toContain('startvm dm-vbox --type headless');
    const kill = await dm(['kill', 'dm-vbox']);
    expect(kill.code).toBe(0);
    expect((await dm(['status', 'dm-vbox'])).stdout).toBe('Stopped\n');
    expect((await sim.vms()).find((vm) => vm.name === 'dm-vbox')?.state).toBe('poweroff');
  });
});
