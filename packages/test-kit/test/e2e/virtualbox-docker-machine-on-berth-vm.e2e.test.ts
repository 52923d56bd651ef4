// The real docker-machine 0.16.2 on a VirtualBox machine Berth created, both tools on one store and
// one VBoxManage simulator: docker-machine's virtualbox driver (VBoxManage's reference client) must
// read Berth's config.json and VM layout, get the answers it expects, and leave the machine in a
// state Berth agrees with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth, runBerthOk } from '../../src/cli/berth-runner.js';
import { bashWithBerth, berthOnPath } from '../../src/cli/berth-shell.js';
import { mustRun, runCommand } from '../../src/engine/run-command.js';
import { pathExists, sha512File } from '../../src/files/file-checks.js';
import { sharedDir } from '../../src/fixtures/shared-fixtures.js';
import { type ImageServer, startImageServer } from '../../src/image-server/image-server.js';
import { TestSession } from '../../src/session/session.js';
import { startVirtualBoxSimulator, type VirtualBoxSimulator } from '../../src/simulators/virtualbox/index.js';

const LONG = 5 * 60_000;
const NAME = 'vbdm';
const IMAGE_URL = 'https://images.invalid/berth-vbox-tiny.qcow2';
const DOCKER_MACHINE = join(sharedDir(), 'bin', 'docker-machine');

let session: TestSession;
let sim: VirtualBoxSimulator;
let server: ImageServer;
let work: string;
let store: string;
let binDir: string;

const berth = (args: string[]) => runBerthOk(args, { store, env: sim.env(), timeoutMs: LONG });
const dockerMachine = (args: string[]) =>
  runCommand(DOCKER_MACHINE, args, {
    env: { ...process.env, ...sim.env(), MACHINE_STORAGE_PATH: store },
    timeoutMs: LONG,
  });
const statusOf = async () => ({
  dockerMachine: (await dockerMachine(['status', NAME])).stdout,
  berth: (await berth(['status', NAME])).stdout,
  vm: (await sim.vms()).find((vm) => vm.name === NAME)?.state,
});
/** VBoxManage calls made since `since` (ms since epoch), as argv strings with their exit status. */
const callsSince = async (since: number) =>
  (await sim.calls()).filter((call) => call.at >= since).map((call) => `${call.exitCode} ${call.argv.join(' ')}`);

beforeAll(async () => {
  session = await TestSession.create();
  sim = await startVirtualBoxSimulator({ session });
  work = await mkdtemp(join(tmpdir(), 'berth-vbox-dm-on-berth-'));
  const image = join(work, 'berth-vbox-tiny.qcow2');
  await mustRun('qemu-img', ['create', '-f', 'qcow2', image, '64M']);
  const checksum = await sha512File(image);
  server = await startImageServer({ files: { 'berth-vbox-tiny.qcow2': { path: image } } });
  store = join(work, 'store');
  binDir = await berthOnPath();
  await berth([
    'create',
    '-d',
    'virtualbox',
    '--image-mirror',
    server.url,
    '--virtualbox-image-url',
    IMAGE_URL,
    '--virtualbox-image-checksum',
    `sha512:${checksum}`,
    NAME,
  ]);
}, LONG);

afterAll(async () => {
  if (store && sim) await runBerth(['rm', '-f', '-y', NAME], { store, env: sim.env(), timeoutMs: 120_000 });
  await server?.close();
  await sim?.close();
  await session?.clean();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('docker-machine 0.16.2 on a VirtualBox machine Berth created', () => {
  let ip: string;

  it('status, ip and ls give the answers Berth gives', async () => {
    const since = Date.now();
    ip = (await berth(['ip', NAME])).stdout.trim();
    expect(ip).toMatch(/^192\.168\.59\.\d+$/);
    const status = await dockerMachine(['status', NAME]);
    expect(status).toEqual({ code: 0, stdout: 'Running\n', stderr: '' });
    const dmIp = await dockerMachine(['ip', NAME]);
    expect(dmIp).toEqual({ code: 0, stdout: `${ip}\n`, stderr: '' });
    const ls = await dockerMachine(['ls', '--format', '{{.Name}}|{{.DriverName}}|{{.State}}|{{.URL}}|{{.Error}}']);
    expect(ls).toEqual({ code: 0, stdout: `${NAME}|virtualbox|Running|tcp://${ip}:2376|\n`, stderr: '' });
    // The table: NAME ACTIVE DRIVER STATE URL SWARM DOCKER ERRORS (SWARM and ERRORS empty).
    const engine = (await berth(['ls', '--format', '{{.DockerVersion}}'])).stdout.trim();
    expect(engine).toMatch(/^v\d+\.\d+/);
    const table = await dockerMachine(['ls']);
    expect(table.stdout.split('\n')[1]?.trim().split(/\s+/)).toEqual([
      NAME,
      '-',
      'virtualbox',
      'Running',
      `tcp://${ip}:2376`,
      engine,
    ]);
    // docker-machine asked VirtualBox only what it may ask, and VirtualBox never refused.
    expect((await callsSince(since)).filter((call) => !call.startsWith('0 '))).toEqual([]);
  });

  it('stop powers the VM off, and Berth agrees', async () => {
    const since = Date.now();
    const stop = await dockerMachine(['stop', NAME]);
    expect(stop.stderr).toBe('');
    expect(stop).toMatchObject({ code: 0, stdout: expect.stringContaining(`Machine "${NAME}" was stopped.`) });
    expect(await statusOf()).toEqual({ dockerMachine: 'Stopped\n', berth: 'Stopped\n', vm: 'poweroff' });
    expect(await callsSince(since)).toContain(`0 controlvm ${NAME} acpipowerbutton`);
  });

  it("start boots it again at the same address, docker-machine's engine wait passes, and Berth's docker works", async () => {
    const since = Date.now();
    const start = await dockerMachine(['start', NAME]);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    expect(start.stdout).toContain(`Machine "${NAME}" was started.`);
    expect(start.stdout).toContain('Waiting for SSH to be available...');
    // After startvm its driver waits for SSH and for the host-only address (`ip addr show` over SSH,
    // the NIC found by its MAC); the host then detects the provisioner from /etc/os-release and
    // polls `ss -tln` for :2376. Nothing is provisioned or regenerated.
    expect(start.stdout).toContain(`(${NAME}) Waiting for an IP...`);
    expect(start.stdout).toContain('Detecting the provisioner...');
    expect(start.stdout).toContain('Started machines may have new IP addresses.');
    expect(await statusOf()).toEqual({ dockerMachine: 'Running\n', berth: 'Running\n', vm: 'running' });
    expect((await berth(['ip', NAME])).stdout).toBe(`${ip}\n`);
    expect((await dockerMachine(['ip', NAME])).stdout).toBe(`${ip}\n`);
    const calls = await callsSince(since);
    expect(calls).toContain(`0 startvm ${NAME} --type headless`);
    expect(calls.filter((call) => !call.startsWith('0 '))).toEqual([]);
    const run = await bashWithBerth(`docker $(berth config ${NAME}) version --format '{{.Server.Os}}'`, {
      store,
      binDir,
      env: sim.env(),
    });
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: 'linux\n' });
  });

  it('kill powers the VM off, and Berth agrees', async () => {
    const since = Date.now();
    const kill = await dockerMachine(['kill', NAME]);
    expect(kill.stderr).toBe('');
    expect(kill).toMatchObject({ code: 0, stdout: expect.stringContaining(`Machine "${NAME}" was killed.`) });
    expect(await statusOf()).toEqual({ dockerMachine: 'Stopped\n', berth: 'Stopped\n', vm: 'poweroff' });
    expect(await callsSince(since)).toContain(`0 controlvm ${NAME} poweroff`);
  });

  it('Berth starts it again after docker-machine rewrote its config.json and DHCP server', async () => {
    // docker-machine saved config.json after each action (Go drops the keys it does not know:
    // Berth's ImageURL, ImageChecksum, BaseImage, InstanceID, which only create uses), and its start
    // modified the DHCP server (its own address is picked at random in .2-.24; Berth's is .2).
    await berth(['start', NAME]);
    expect(await statusOf()).toEqual({ dockerMachine: 'Running\n', berth: 'Running\n', vm: 'running' });
    expect((await dockerMachine(['ip', NAME])).stdout).toBe(`${ip}\n`);
  });

  it('berth rm -y leaves nothing: no VM, no adapter Berth made, no forwarder, no machine directory', async () => {
    await berth(['rm', '-y', NAME]);
    expect(await pathExists(join(store, 'machines', NAME))).toBe(false);
    expect(await sim.leftovers()).toEqual([]);
    expect(await sim.hostOnlyAdapters()).toEqual([]);
  });
});
