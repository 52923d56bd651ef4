import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bootTestVm,
  ensureQemuImage,
  generateKeyPair,
  type KeyPair,
  mustRun,
  type QemuTestImage,
  sshExec,
  type TestVm,
  waitForSsh,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOSTNAME = 'berth-qemu-smoke';

// A NoCloud seed made with genisoimage: this test is about the image, not about core's writer.
async function writeSeed(dir: string, keys: KeyPair): Promise<string> {
  const userData = [
    '#cloud-config',
    `hostname: ${HOSTNAME}`,
    'users:',
    '  - name: docker',
    '    shell: /bin/bash',
    '    sudo: ALL=(ALL) NOPASSWD:ALL',
    '    ssh_authorized_keys:',
    `      - ${keys.publicKey}`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'user-data'), userData);
  await writeFile(join(dir, 'meta-data'), `instance-id: iid-${HOSTNAME}\nlocal-hostname: ${HOSTNAME}\n`);
  const iso = join(dir, 'seed.iso');
  // Files named on the command line land in the volume's root under their own names.
  const files = [join(dir, 'user-data'), join(dir, 'meta-data')];
  await mustRun('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', ...files]);
  return iso;
}

describe('qemu test image: Debian 12 boots under TCG and cloud-init reads a NoCloud seed', () => {
  let image: QemuTestImage;
  let baseMtimeMs: number;
  let work: string;
  let keys: KeyPair;
  let vm: TestVm;
  let target: { address: string; port: number; user: string; privateKey: string };

  beforeAll(async () => {
    const buildStart = Date.now();
    image = await ensureQemuImage();
    const size = (await stat(image.disk)).size;
    process.stderr.write(
      `[qemu-image] image ready in ${((Date.now() - buildStart) / 1000).toFixed(1)} s: ${image.disk} (${(size / 2 ** 20).toFixed(0)} MiB)\n`,
    );
    baseMtimeMs = (await stat(image.disk)).mtimeMs;
    work = await mkdtemp(join(tmpdir(), 'berth-qemu-seed-'));
    keys = generateKeyPair();
    const seedIso = await writeSeed(work, keys);
    vm = await bootTestVm({ seedIso, image });
    target = { address: '127.0.0.1', port: vm.sshPort, user: 'docker', privateKey: keys.privateKey };
    await waitForSsh(target, 300_000);
    process.stderr.write(`[qemu-image] boot to ssh: ${((Date.now() - vm.startedAt) / 1000).toFixed(1)} s\n`);
  }, 1_800_000);

  afterAll(async () => {
    await vm?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs under TCG and answers QMP', async () => {
    expect(await vm.qmp('query-status')).toMatchObject({ status: 'running', running: true });
  });

  it('let the seed user in with the seed key, and took the seed hostname', async () => {
    const whoami = await sshExec(target, 'id -un; hostname');
    expect(whoami.code).toBe(0);
    expect(whoami.stdout.trim().split('\n')).toEqual(['docker', HOSTNAME]);
  });

  it('finished cloud-init from the NoCloud seed', async () => {
    const status = await sshExec(target, 'cloud-init status --wait --long', { timeoutMs: 300_000 });
    expect(status.stdout).toMatch(/^status: done$/m);
    expect(status.stdout).toMatch(/DataSourceNoCloud/);
    expect(status.code).toBe(0);
  }, 330_000);

  it('runs docker.io as root through sudo', async () => {
    const info = await sshExec(target, "sudo docker info --format '{{.ServerVersion}} {{.Driver}}'", {
      timeoutMs: 180_000,
    });
    expect(info.stderr).toBe('');
    expect(info.code).toBe(0);
    expect(info.stdout.trim()).toMatch(/^\d+\.\d+\.\d+\S* \S+$/);
  }, 200_000);

  it('reaches nothing outside the guest (user-mode net with restrict=on)', async () => {
    // 10.0.2.2 is this machine as qemu's slirp shows it; the forwarded SSH port listens there.
    const probe = await sshExec(
      target,
      `timeout 10 bash -c '</dev/tcp/10.0.2.2/${vm.sshPort}' && echo reached || echo blocked`,
      { timeoutMs: 30_000 },
    );
    expect(probe.stdout.trim()).toBe('blocked');
  });

  it('powers off on an ACPI power-down through QMP, and never wrote the cached base disk', async () => {
    const start = Date.now();
    const status = await vm.powerDown(60_000);
    process.stderr.write(`[qemu-image] power-down to qemu exit: ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
    expect(status).toBe(0);
    expect(vm.running).toBe(false);
    expect((await stat(image.disk)).mtimeMs).toBe(baseMtimeMs);
  }, 90_000);
});
