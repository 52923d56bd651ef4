import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bashWithBerth,
  berthOnPath,
  ensureImages,
  ensureQemuImage,
  type ImageServer,
  pathExists,
  QEMU_TEST_IMAGE_URL,
  type QemuTestImage,
  qemuTestCreateArgs,
  runBerth,
  runBerthOk,
  sha512File,
  startBerth,
  startImageServer,
  type TestImages,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The whole local-VM path on a real VM (TCG here): the image comes from a local mirror into the
// store's cache, cloud-init applies berth's seed, berth provisions the engine, and docker talks to
// it over TLS through the forwarded port. The test image has no bootloader, so qemu boots its kernel.

const LONG = 20 * 60_000;

let image: QemuTestImage;
let testImages: TestImages;
let server: ImageServer;
let store: string;
let binDir: string;
let checksum: string;

function createArgs(name: string): string[] {
  return qemuTestCreateArgs({ image, mirrorUrl: server.url, checksum: `sha512:${checksum}`, name });
}

/** qemu processes started for the machine `name` of this store (found by their QMP socket). */
async function qemuProcessesOf(name: string): Promise<number[]> {
  const socket = join(store, 'machines', name, 'qmp.sock');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('qemu-system') || cmdline.includes('/qemu-system')) {
      if (cmdline.includes(socket)) pids.push(Number(entry));
    }
  }
  return pids;
}

const berth = (args: string[]) => runBerthOk(args, { store, timeoutMs: LONG });
const guest = async (command: string) => (await berth(['ssh', 'vm1', command])).stdout.trim();
const docker = (script: string) => bashWithBerth(script, { store, binDir, timeoutMs: LONG });

beforeAll(async () => {
  [image, testImages] = await Promise.all([ensureQemuImage(), ensureImages()]);
  checksum = await sha512File(image.disk);
  server = await startImageServer({ files: { 'berth-test-debian12.qcow2': { path: image.disk } } });
  store = await mkdtemp(join(tmpdir(), 'berth-qemu-e2e-'));
  binDir = await berthOnPath();
}, LONG);

afterAll(async () => {
  for (const name of ['vm1', 'vm2']) await runBerth(['rm', '-f', '-y', name], { store, timeoutMs: 120_000 });
  await server?.close();
  await rm(store, { recursive: true, force: true });
});

describe('berth create -d qemu when the image download goes wrong', () => {
  /** A create in a store of its own (an empty cache), and what it left under the cache's names. */
  async function faultyCreate(name: string, fault: Parameters<ImageServer['injectFault']>[0], times?: number) {
    const own = await mkdtemp(join(tmpdir(), 'berth-qemu-fault-'));
    server.injectFault(fault, times === undefined ? {} : { times });
    try {
      const run = await runBerth(createArgs(name), { store: own, timeoutMs: LONG });
      const cache = await readdir(join(own, 'cache', 'images')).catch(() => [] as string[]);
      const machines = await readdir(join(own, 'machines')).catch(() => [] as string[]);
      return { run, cache, machines, store: own };
    } finally {
      server.clearFaults();
    }
  }
  const imageFiles = (cache: string[]) =>
    cache.filter((file) => file.endsWith(QEMU_TEST_IMAGE_URL.split('/').pop() as string));

  it('a mirror without the image: exit 3, the URL named, nothing cached, no machine', async () => {
    const { run, cache, machines, store: own } = await faultyCreate('nf', { notFound: true });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^Error with pre-create check: ".*not found/im);
    expect(run.stderr).toContain(server.url);
    expect(imageFiles(cache)).toEqual([]);
    expect(machines).toEqual([]);
    await rm(own, { recursive: true, force: true });
  });

  it('wrong bytes: the checksum mismatch is named and the download is thrown away', async () => {
    const { run, cache, machines, store: own } = await faultyCreate('wb', { wrongBytes: true });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/checksum/i);
    expect(cache.filter((file) => !file.endsWith('.lock'))).toEqual([]);
    expect(machines).toEqual([]);
    await rm(own, { recursive: true, force: true });
  });

  it('an interrupted transfer keeps only the part; the next create resumes it with a Range request', async () => {
    const { run, cache, store: own } = await faultyCreate('cut', { truncateAfterBytes: 64 * 1024 * 1024 }, 1);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/interrupted/i);
    expect(imageFiles(cache)).toEqual([]);
    expect(cache.some((file) => file.endsWith('.part'))).toBe(true);
    const ranges = server.rangeHeaders().length;
    // Resumed, then Ctrl-C once the machine is being made: the download itself is what is tested.
    const live = startBerth(createArgs('cut'), { store: own, timeoutMs: LONG });
    await live.waitFor('Creating machine...');
    live.interrupt();
    await live.exited;
    expect(server.rangeHeaders().slice(ranges)).toEqual([expect.stringMatching(/^bytes=67108864-$/)]);
    expect(imageFiles(await readdir(join(own, 'cache', 'images')))).toHaveLength(1);
    await rm(own, { recursive: true, force: true });
  });
});

describe('berth create -d qemu, on a real VM', () => {
  let url: string;

  it('downloads the image into the cache, boots with the seed, provisions the engine', async () => {
    const { stdout } = await berth(createArgs('vm1'));
    const lines = stdout.split('\n');
    expect(lines).toContain('Running pre-create checks...');
    expect(lines.some((line) => line.startsWith('(vm1) ') && line.includes('Verifying checksum'))).toBe(true);
    expect(lines).toContain('Creating machine...');
    expect(lines).toContain('Docker is up and running!');
    expect(server.fetches()).toBeGreaterThan(0);
    const cache = await readdir(join(store, 'cache', 'images'));
    expect(cache.filter((file) => file.endsWith('berth-test-debian12.qcow2'))).toHaveLength(1);
  });

  it('cloud-init applied the seed: the hostname and the machine’s key', async () => {
    expect(await guest('hostname')).toBe('vm1');
    const key = (await readFile(join(store, 'machines/vm1/id_rsa.pub'), 'utf8')).trim();
    expect(await guest('cat ~/.ssh/authorized_keys')).toContain(key);
    expect(await guest('whoami')).toBe('docker');
    expect(await guest('cloud-init status --long')).toMatch(/status: done[\s\S]*DataSourceNoCloud/);
  });

  it('with --qemu-restrict-network the guest reaches nothing outside, not even this machine', async () => {
    // 10.0.2.2 is this machine as qemu's user-mode network shows it; the SSH forward listens here.
    const port = (await berth(['inspect', '-f', '{{.Driver.SSHPort}}', 'vm1'])).stdout.trim();
    expect(port).toMatch(/^\d+$/);
    const probe = await guest(`timeout 10 bash -c '</dev/tcp/10.0.2.2/${port}' && echo reached || echo blocked`);
    expect(probe).toBe('blocked');
  });

  it('answers on 127.0.0.1, and docker $(berth config) runs a container over TLS', async () => {
    expect((await berth(['ip', 'vm1'])).stdout).toBe('127.0.0.1\n');
    url = (await berth(['url', 'vm1'])).stdout.trim();
    expect(url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const run = await docker(
      [
        'set -e',
        `docker $(berth config vm1) load -i ${testImages.tinyTar} >/dev/null`,
        `docker $(berth config vm1) run --rm ${testImages.tiny} echo hello-from-qemu`,
      ].join('\n'),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('hello-from-qemu');
  });

  it('stop shuts the guest down cleanly (ACPI), and no qemu is left', async () => {
    await berth(['stop', 'vm1']);
    expect((await berth(['status', 'vm1'])).stdout).toBe('Stopped\n');
    expect(await qemuProcessesOf('vm1')).toEqual([]);
    expect(await readFile(join(store, 'machines/vm1/console.log'), 'utf8')).toMatch(/reboot: Power down/);
  });

  it('start boots it again at the same URL, and docker works with the same certificates', async () => {
    await berth(['start', 'vm1']);
    expect((await berth(['url', 'vm1'])).stdout.trim()).toBe(url);
    const run = await docker(`docker $(berth config vm1) run --rm ${testImages.tiny} echo after-start`);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('after-start');
  });

  it('restart, then kill', async () => {
    await berth(['restart', 'vm1']);
    expect((await berth(['status', 'vm1'])).stdout).toBe('Running\n');
    expect(await qemuProcessesOf('vm1')).toHaveLength(1);
    await berth(['kill', 'vm1']);
    expect((await berth(['status', 'vm1'])).stdout).toBe('Stopped\n');
    expect(await qemuProcessesOf('vm1')).toEqual([]);
  });

  it('rm leaves no qemu, no overlay and no socket; the cache is kept', async () => {
    // Stopped here; removing a running VM is what the interrupted create below does.
    await berth(['rm', '-y', 'vm1']);
    expect(await qemuProcessesOf('vm1')).toEqual([]);
    expect(await pathExists(join(store, 'machines/vm1'))).toBe(false);
    const cache = await readdir(join(store, 'cache', 'images'));
    expect(cache.some((file) => file.endsWith('berth-test-debian12.qcow2'))).toBe(true);
  });

  it('a second machine from the cache fetches nothing; Ctrl-C during its boot leaves no process and no machine', async () => {
    const fetched = server.fetches();
    const live = startBerth(createArgs('vm2'), { store, timeoutMs: LONG });
    await live.waitFor('Waiting for SSH to be available...');
    expect(await qemuProcessesOf('vm2')).toHaveLength(1);
    live.interrupt();
    const exit = await live.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toMatch(/Interrupted/);
    expect(server.fetches()).toBe(fetched);
    expect(await qemuProcessesOf('vm2')).toEqual([]);
    expect(await pathExists(join(store, 'machines/vm2'))).toBe(false);
    expect((await berth(['ls', '-q'])).stdout).toBe('');
  });
});
