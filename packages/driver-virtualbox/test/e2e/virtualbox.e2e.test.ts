import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeIsoImage } from '@berth/driver-sdk/seed';
import {
  bashWithBerth,
  berthOnPath,
  docker,
  type ImageServer,
  LABEL_RUN,
  mustRun,
  pathExists,
  runBerth,
  runBerthOk,
  sha512File,
  startBerth,
  startImageServer,
  startVirtualBoxSimulator,
  TestSession,
  type VirtualBoxSimulator,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// berth create -d virtualbox through the built CLI against the test kit's VBoxManage simulator:
// each VM is a real Debian container (cloud-init's seed applied, sshd, docker.io) on a docker
// network standing for the host-only adapter, SSH forwarded from 127.0.0.1 as VirtualBox's NAT
// does. The image is a tiny qcow2 from a local mirror: VirtualBox only clones it, the "VM" is the
// container.

const LONG = 15 * 60_000;
const IMAGE_URL = 'https://images.invalid/berth-vbox-tiny.qcow2';

let session: TestSession;
let sim: VirtualBoxSimulator;
let server: ImageServer;
let store: string;
let binDir: string;
let work: string;
let checksum: string;

const env = () => sim.env();
const berth = (args: string[]) => runBerthOk(args, { store, env: env(), timeoutMs: LONG });
const tryBerth = (args: string[], own = store) => runBerth(args, { store: own, env: env(), timeoutMs: LONG });
const shell = (script: string) => bashWithBerth(script, { store, binDir, env: env(), timeoutMs: LONG });
const createArgs = (name: string, extra: string[] = []) => [
  'create',
  '-d',
  'virtualbox',
  '--image-mirror',
  server.url,
  '--virtualbox-image-url',
  IMAGE_URL,
  '--virtualbox-image-checksum',
  `sha512:${checksum}`,
  ...extra,
  name,
];

/** Creates that must fail, each in a store of its own: exit status, stderr and what the store kept. */
async function refusedCreate(name: string, extra: string[]) {
  const own = await mkdtemp(join(tmpdir(), 'berth-vbox-bad-'));
  try {
    const run = await runBerth(createArgs(name, extra), { store: own, env: env(), timeoutMs: LONG });
    const machines = await readdir(join(own, 'machines')).catch(() => [] as string[]);
    return { run, machines };
  } finally {
    await rm(own, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  session = await TestSession.create();
  sim = await startVirtualBoxSimulator({ session });
  work = await mkdtemp(join(tmpdir(), 'berth-vbox-e2e-'));
  const image = join(work, 'berth-vbox-tiny.qcow2');
  await mustRun('qemu-img', ['create', '-f', 'qcow2', image, '64M']);
  checksum = await sha512File(image);
  server = await startImageServer({ files: { 'berth-vbox-tiny.qcow2': { path: image } } });
  store = join(work, 'store');
  binDir = await berthOnPath();
}, LONG);

afterAll(async () => {
  for (const name of ['vb1', 'vb2', 'vb3']) {
    if (store) await runBerth(['rm', '-f', '-y', name], { store, env: env(), timeoutMs: 120_000 });
  }
  await server?.close();
  await sim?.close();
  await session?.clean();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('berth create -d virtualbox, on simulated VirtualBox', () => {
  let url: string;

  it('creates: VM, host-only network, seed applied, engine provisioned over the NAT-forwarded SSH', async () => {
    const { stdout } = await berth(createArgs('vb1'));
    const lines = stdout.split('\n');
    for (const line of [
      'Running pre-create checks...',
      'Creating machine...',
      '(vb1) Creating VirtualBox VM...',
      '(vb1) Creating SSH key...',
      '(vb1) Starting the VM...',
      '(vb1) Check network to re-create if needed...',
      '(vb1) Found a new host-only adapter: "vboxnet0"',
      '(vb1) Waiting for an IP...',
      'Docker is up and running!',
    ]) {
      expect(lines).toContain(line);
    }
    const [vm] = await sim.vms();
    expect(vm).toMatchObject({ name: 'vb1', state: 'running' });
    expect(vm?.natRules).toEqual([expect.objectContaining({ name: 'ssh', hostIp: '127.0.0.1', guestPort: 22 })]);
    expect(await sim.hostOnlyAdapters()).toEqual([
      expect.objectContaining({ name: 'vboxnet0', ip: '192.168.59.1', netmask: '255.255.255.0', createdByBerth: true }),
    ]);
    expect((await berth(['ssh', 'vb1', 'hostname'])).stdout.trim()).toBe('vb1');
    expect((await berth(['ssh', 'vb1', 'whoami'])).stdout.trim()).toBe('docker');
  });

  it('the URL is the host-only address, and docker runs a container there over TLS', async () => {
    const ip = (await berth(['ip', 'vb1'])).stdout.trim();
    expect(ip).toMatch(/^192\.168\.59\.(1\d\d|2[0-4]\d|25[0-4])$/);
    url = (await berth(['url', 'vb1'])).stdout.trim();
    expect(url).toBe(`tcp://${ip}:2376`);
    const run = await shell(
      [
        'set -e',
        `docker $(berth config vb1) load -i ${session.images.tinyTar} >/dev/null`,
        `docker $(berth config vb1) run --rm ${session.images.tiny} echo hello-from-virtualbox`,
      ].join('\n'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('hello-from-virtualbox');
  });

  it('ls shows it running at that URL', async () => {
    const { stdout } = await berth(['ls', '--format', '{{.Name}} {{.DriverName}} {{.State}} {{.URL}} {{.Error}}']);
    expect(stdout.trim()).toMatch(new RegExp(`^vb1 virtualbox Running ${url.replace(/\./g, '\\.')} *$`));
  });

  it('stop (ACPI), start at the same URL, restart, kill', async () => {
    await berth(['stop', 'vb1']);
    expect((await berth(['status', 'vb1'])).stdout).toBe('Stopped\n');
    await berth(['start', 'vb1']);
    expect((await berth(['status', 'vb1'])).stdout).toBe('Running\n');
    expect((await berth(['url', 'vb1'])).stdout.trim()).toBe(url);
    const after = await shell(`docker $(berth config vb1) run --rm ${session.images.tiny} echo after-start`);
    expect(after.code, after.stderr).toBe(0);
    await berth(['restart', 'vb1']);
    expect((await berth(['status', 'vb1'])).stdout).toBe('Running\n');
    await berth(['kill', 'vb1']);
    expect((await berth(['status', 'vb1'])).stdout).toBe('Stopped\n');
  });

  it('rm leaves nothing: no VM, no adapter, no forwarder, no container, no files', async () => {
    await berth(['rm', '-y', 'vb1']);
    expect(await pathExists(join(store, 'machines', 'vb1'))).toBe(false);
    expect(await sim.leftovers()).toEqual([]);
    expect((await berth(['ls', '-q'])).stdout).toBe('');
  });
});

describe('berth create -d virtualbox interrupted', () => {
  it('Ctrl-C while the VM boots: exit non-zero, and no VM, adapter, forwarder, container or machine is left', async () => {
    const live = startBerth(createArgs('vb3'), { store, env: env(), timeoutMs: LONG });
    await live.waitFor('(vb3) Waiting for an IP...');
    expect((await sim.vms()).map((vm) => vm.name)).toEqual(['vb3']);
    live.interrupt();
    const exit = await live.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toMatch(/cancelled|Interrupted/);
    expect(await pathExists(join(store, 'machines', 'vb3'))).toBe(false);
    expect(await sim.leftovers()).toEqual([]);
  });
});

describe('berth create -d virtualbox with a local boot2docker ISO', () => {
  it('boots it with the format-me disk, provisions boot2docker, runs a container, and rm leaves nothing', async () => {
    const iso = join(work, 'boot2docker.iso');
    // An ISO 9660 volume labelled as boot2docker's releases are (the simulated VM is a container).
    await writeIsoImage(iso, { volumeId: 'Boot2Docker-v19', files: [{ name: 'version', content: 'v19.03.12\n' }] });
    const { stdout } = await berth([
      'create',
      '-d',
      'virtualbox',
      '--virtualbox-boot2docker-url',
      `file://${iso}`,
      'vb2',
    ]);
    expect(stdout.split('\n')).toContain('Docker is up and running!');
    const [vm] = await sim.vms();
    expect(vm?.media.map((medium) => [medium.port, medium.type, medium.medium])).toEqual([
      [0, 'dvddrive', join(store, 'machines', 'vb2', 'boot2docker.iso')],
      [1, 'hdd', join(store, 'machines', 'vb2', 'disk.vmdk')],
    ]);
    const run = await shell(
      [
        'set -e',
        `docker $(berth config vb2) load -i ${session.images.tinyTar} >/dev/null`,
        `docker $(berth config vb2) run --rm ${session.images.tiny} echo hello-from-boot2docker`,
      ].join('\n'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('hello-from-boot2docker');
    await berth(['rm', '-y', 'vb2']);
    expect(await pathExists(join(store, 'machines', 'vb2'))).toBe(false);
    expect(await sim.leftovers()).toEqual([]);
  });
});

describe('berth create -d virtualbox with bad input stores nothing', () => {
  it("a host-only range VirtualBox's networks.conf refuses: exit 3, the line to add named", async () => {
    const { run, machines } = await refusedCreate('vbrange', ['--virtualbox-hostonly-cidr', '192.168.99.1/24']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /^Error with pre-create check: "?VirtualBox does not allow the host-only network 192\.168\.99\.1\/24/m,
    );
    expect(run.stderr).toContain('"* 192.168.99.0/24"');
    expect(machines).toEqual([]);
    expect(await sim.leftovers()).toEqual([]);
  });

  it('a range a host interface uses: exit 3, a free /24 offered', async () => {
    const network = `berth-vbox-clash-${randomBytes(3).toString('hex')}`;
    await docker([
      'network',
      'create',
      '--internal',
      '--subnet',
      '192.168.62.0/24',
      '--label',
      `${LABEL_RUN}=${session.runId}`,
      network,
    ]);
    try {
      const { run, machines } = await refusedCreate('vbclash', ['--virtualbox-hostonly-cidr', '192.168.62.1/24']);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('host-only cidr conflicts with the network address of a host interface');
      expect(run.stderr).toMatch(/Choose a free network: --virtualbox-hostonly-cidr 192\.168\.\d+\.1\/24/);
      expect(machines).toEqual([]);
    } finally {
      await docker(['network', 'rm', network]);
    }
    expect(await sim.leftovers()).toEqual([]);
  });

  it('a disk smaller than the image: refused, and the machine rolled back', async () => {
    const { run, machines } = await refusedCreate('vbsmall', ['--virtualbox-disk-size', '10']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--virtualbox-disk-size 10 MB is smaller than the image's disk (64 MB)");
    expect(machines).toEqual([]);
    expect(await sim.leftovers()).toEqual([]);
  });

  it('an image URL the mirror does not have: exit 3, nothing made', async () => {
    const own = await mkdtemp(join(tmpdir(), 'berth-vbox-bad-'));
    try {
      const args = createArgs('vbnoimage').map((arg) =>
        arg === IMAGE_URL ? 'https://images.invalid/missing.qcow2' : arg,
      );
      const run = await tryBerth(args, own);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^Error with pre-create check: .*not found/im);
      expect(await readdir(join(own, 'machines')).catch(() => [])).toEqual([]);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
    expect(await sim.leftovers()).toEqual([]);
  });
});
