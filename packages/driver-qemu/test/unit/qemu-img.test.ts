import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidFlagError } from '@berth/driver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOverlay, imageInfo } from '../../src/qemu-img.js';
import { findExecutable } from '../../src/run-tool.js';
import { exec } from './support.js';

let dir: string;
let qemuImg: string;
const MB = 1024 * 1024;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-qemu-img-'));
  const found = await findExecutable('qemu-img');
  if (!found) throw new Error('qemu-img is not installed (apt-get install qemu-utils)');
  qemuImg = found;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function info(path: string) {
  const { stdout } = await exec(qemuImg, ['info', '--output=json', path]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('disk overlay on a real base image', () => {
  it('makes a qcow2 overlay backed by a qcow2 base, at the size asked', async () => {
    const base = join(dir, 'base.qcow2');
    await exec(qemuImg, ['create', '-f', 'qcow2', base, '64M']);
    const overlay = join(dir, 'disk.qcow2');
    const seen = await createOverlay(qemuImg, { base, overlay, sizeMb: 200 });
    expect(seen).toEqual({ format: 'qcow2', virtualSize: 64 * MB });
    const made = await info(overlay);
    expect(made).toMatchObject({
      format: 'qcow2',
      'virtual-size': 200 * MB,
      'backing-filename': base,
      'backing-filename-format': 'qcow2',
    });
    // The base is untouched.
    expect(await imageInfo(qemuImg, base)).toEqual({ format: 'qcow2', virtualSize: 64 * MB });
  });

  it('names a raw base image as raw', async () => {
    const base = join(dir, 'base.raw');
    await exec(qemuImg, ['create', '-f', 'raw', base, '16M']);
    const overlay = join(dir, 'raw-overlay.qcow2');
    await createOverlay(qemuImg, { base, overlay, sizeMb: 32 });
    expect(await info(overlay)).toMatchObject({ 'backing-filename-format': 'raw', 'virtual-size': 32 * MB });
  });

  it('refuses a disk smaller than the base image, and reports qemu-img failures', async () => {
    const base = join(dir, 'big.qcow2');
    await exec(qemuImg, ['create', '-f', 'qcow2', base, '100M']);
    await expect(createOverlay(qemuImg, { base, overlay: join(dir, 'small.qcow2'), sizeMb: 50 })).rejects.toThrow(
      InvalidFlagError,
    );
    await expect(imageInfo(qemuImg, join(dir, 'missing.qcow2'))).rejects.toThrow(/qemu-img info failed: .*missing/);
  });
});
