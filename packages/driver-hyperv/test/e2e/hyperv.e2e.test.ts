import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  bashWithBerth,
  berthOnPath,
  ensureImages,
  type HypervSimulator,
  type ImageServer,
  pathExists,
  runBerth,
  runBerthOk,
  sha512File,
  startHypervSimulator,
  startImageServer,
  type TestImages,
  TestSession,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// berth create -d hyperv through the built CLI, against the test kit's powershell.exe whose VMs are
// real guests (Debian 12 containers that apply the NoCloud seed and report their address once the
// seed installs hyperv-daemons): the VM on the "External Wireless" switch, provisioned over SSH at
// its IPv4, docker over TLS, the lifecycle, and nothing left after rm or after bad input.

const LONG = 10 * 60_000;
const exec = promisify(execFile);

let session: TestSession;
let sim: HypervSimulator;
let testImages: TestImages;
let server: ImageServer;
let store: string;
let binDir: string;
let work: string;
let imageUrl: string;
let checksum: string;

const env = () => sim.env();
const berth = (args: string[]) => runBerthOk(args, { store, env: env(), timeoutMs: LONG });
// berth first on PATH, then the simulator's powershell.exe.
const docker = (script: string) =>
  bashWithBerth(script, { store, env: { ...env(), PATH: `${binDir}:${env().PATH}` }, timeoutMs: LONG });

function createArgs(name: string, options: { vswitch?: string; diskMb?: number } = {}): string[] {
  return [
    'create',
    '-d',
    'hyperv',
    '--hyperv-virtual-switch',
    options.vswitch ?? 'external wireless',
    '--hyperv-image-url',
    imageUrl,
    '--hyperv-image-checksum',
    `sha512:${checksum}`,
    '--hyperv-disk-size',
    String(options.diskMb ?? 200),
    name,
  ];
}

beforeAll(async () => {
  session = await TestSession.create();
  testImages = await ensureImages();
  sim = await startHypervSimulator({ session });
  work = await mkdtemp(join(tmpdir(), 'berth-hyperv-e2e-'));
  // A small qcow2 with data in it (the guest is a container: only the conversion reads it).
  const raw = join(work, 'small.raw');
  await writeFile(raw, Buffer.concat([Buffer.alloc(1 << 20, 0x5a), Buffer.alloc(3 << 20)]));
  const image = join(work, 'small.qcow2');
  await exec('qemu-img', ['convert', '-c', '-f', 'raw', '-O', 'qcow2', raw, image]);
  checksum = await sha512File(image);
  server = await startImageServer({ files: { 'small.qcow2': { path: image } } });
  imageUrl = server.urlOf('small.qcow2');
  store = join(work, 'store');
  binDir = await berthOnPath();
}, LONG);

afterAll(async () => {
  if (store) await runBerth(['rm', '-f', '-y', 'hv1'], { store, env: env(), timeoutMs: 120_000 });
  await server?.close();
  await sim?.close();
  await session?.clean();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('berth create -d hyperv, on the simulator with real guests', () => {
  let ip: string;

  it('creates the VM on the switch named case-insensitively and provisions it at its IPv4', async () => {
    const { stdout } = await berth(createArgs('hv1'));
    const lines = stdout.split('\n');
    for (const line of [
      'Running pre-create checks...',
      'Creating machine...',
      '(hv1) Using switch "External Wireless"',
      '(hv1) Creating VHD',
      '(hv1) Starting VM...',
      '(hv1) Waiting for host to start...',
      'Docker is up and running!',
    ]) {
      expect(lines, line).toContain(line);
    }
    ip = (await berth(['ip', 'hv1'])).stdout.trim();
    // The External Wireless switch's subnet, never an fe80:: address.
    expect(ip).toMatch(/^192\.168\.25\.\d+$/);
    expect((await berth(['inspect', '-f', '{{.Driver.VSwitch}}', 'hv1'])).stdout.trim()).toBe('External Wireless');
    const [vm] = (await sim.vms()).filter((candidate) => candidate.name === 'hv1');
    expect(vm).toMatchObject({ generation: 2, state: 'Running', switchName: 'External Wireless' });
  });

  it('runs a container over TLS with docker $(berth config)', async () => {
    expect((await berth(['url', 'hv1'])).stdout.trim()).toBe(`tcp://${ip}:2376`);
    const run = await docker(
      [
        'set -e',
        `docker $(berth config hv1) load -i ${testImages.tinyTar} >/dev/null`,
        `docker $(berth config hv1) run --rm ${testImages.tiny} echo hello-from-hyperv`,
      ].join('\n'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('hello-from-hyperv');
  });

  it('ls shows it running, with one PowerShell process for the whole command', async () => {
    const before = new Set((await sim.calls()).map((call) => call.pid));
    const { stdout } = await berth(['ls', '--format', '{{.Name}} {{.DriverName}} {{.State}} {{.URL}}']);
    expect(stdout).toBe(`hv1 hyperv Running tcp://${ip}:2376\n`);
    const after = new Set((await sim.calls()).map((call) => call.pid));
    expect([...after].filter((pid) => !before.has(pid))).toHaveLength(1);
  });

  it('stop, start (same address), restart, kill', async () => {
    await berth(['stop', 'hv1']);
    expect((await berth(['status', 'hv1'])).stdout).toBe('Stopped\n');
    await berth(['start', 'hv1']);
    expect((await berth(['status', 'hv1'])).stdout).toBe('Running\n');
    expect((await berth(['url', 'hv1'])).stdout.trim()).toBe(`tcp://${ip}:2376`);
    const run = await docker(`docker $(berth config hv1) run --rm ${testImages.tiny} echo after-start`);
    expect(run.code, run.stderr).toBe(0);
    await berth(['restart', 'hv1']);
    expect((await berth(['status', 'hv1'])).stdout).toBe('Running\n');
    await berth(['kill', 'hv1']);
    expect((await berth(['status', 'hv1'])).stdout).toBe('Stopped\n');
  });

  it('rm leaves nothing: no VM, no guest, no network, no machine directory', async () => {
    await berth(['rm', '-y', 'hv1']);
    expect(await pathExists(join(store, 'machines', 'hv1'))).toBe(false);
    expect(await sim.leftovers()).toEqual([]);
  });
});

describe('bad input stores nothing', () => {
  async function failedCreate(args: string[]) {
    const run = await runBerth(args, { store, env: env(), timeoutMs: LONG });
    const machines = await readdir(join(store, 'machines')).catch(() => [] as string[]);
    return { run, machines, vms: (await sim.vms()).map((vm) => vm.name) };
  }

  it('an unknown switch: the pre-create check lists the switches there are', async () => {
    const { run, machines, vms } = await failedCreate(createArgs('bad1', { vswitch: 'Office' }));
    expect(run.code).toBe(3);
    // The CLI quotes a pre-create message as docker-machine did (Go's %q).
    expect(run.stderr).toContain('Error with pre-create check: "vswitch \\"Office\\" not found"');
    expect(run.stderr).toContain('"Default Switch" (Internal), "External Wireless" (External)');
    expect(machines).toEqual([]);
    expect(vms).toEqual([]);
  });

  it('a disk smaller than the image: refused, and the rollback leaves nothing', async () => {
    const { run, machines, vms } = await failedCreate(createArgs('bad2', { diskMb: 2 }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--hyperv-disk-size 2 MB is smaller than the image's disk \(4 MB\)/);
    expect(machines).toEqual([]);
    expect(vms).toEqual([]);
  });

  it('an image URL that is no URL, and one the server does not have', async () => {
    const garbled = await failedCreate([
      'create',
      '-d',
      'hyperv',
      '--hyperv-image-url',
      'not a url',
      '--hyperv-image-checksum',
      `sha512:${checksum}`,
      'bad3',
    ]);
    expect(garbled.run.code).toBe(1);
    expect(garbled.run.stderr).toContain('--hyperv-image-url "not a url" is not a URL');
    expect(garbled.machines).toEqual([]);
    const missing = await failedCreate([
      'create',
      '-d',
      'hyperv',
      '--hyperv-image-url',
      server.urlOf('nosuch.qcow2'),
      '--hyperv-image-checksum',
      `sha512:${checksum}`,
      'bad4',
    ]);
    expect(missing.run.code).toBe(3);
    expect(missing.run.stderr).toMatch(/not found/i);
    expect(missing.machines).toEqual([]);
    expect(missing.vms).toEqual([]);
    expect(await sim.leftovers()).toEqual([]);
  });
});
