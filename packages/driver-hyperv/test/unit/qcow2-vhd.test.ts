import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Qcow2FormatError } from '../../src/disk/qcow2-reader.js';
import { convertQcow2ToFixedVhd, DiskTooSmallError, qcow2VirtualSize } from '../../src/disk/qcow2-to-vhd.js';
import { fixedVhdFooter, parseVhdFooter, VHD_FOOTER_SIZE, vhdGeometry } from '../../src/disk/vhd-footer.js';

// Our qcow2 reader and VHD writer, checked against the real qemu-img: images made by qemu-img
// (compressed, uncompressed, v2 and v3, several cluster sizes, zero clusters), our VHD compared
// byte for byte with qemu-img's raw conversion, and our VHD read back by qemu-img's vpc driver.

const exec = promisify(execFile);
const MB = 1024 * 1024;
let dir: string;
let raw: string;
/** The guest disk: random (incompressible), zeros, text (compressible), and small islands. */
let content: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-hv-disk-'));
  await exec('qemu-img', ['--version']).catch(() => {
    throw new Error('qemu-img is not installed (apt-get install qemu-utils)');
  });
  const text = Buffer.from('Berth writes Hyper-V disks from qcow2 images.\n'.repeat(23_000));
  content = Buffer.concat([
    randomBytes(MB),
    Buffer.alloc(MB + 4096),
    text.subarray(0, MB),
    randomBytes(4096),
    Buffer.alloc(200 * 1024),
    randomBytes(3 * 512),
  ]);
  raw = join(dir, 'source.raw');
  await writeFile(raw, content);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function qemuImg(...args: string[]): Promise<string> {
  return (await exec('qemu-img', args, { maxBuffer: 64 * MB })).stdout;
}

/** The raw disk qemu-img reads from an image, padded with zeros to `size`. */
async function qemuRaw(image: string, size: number): Promise<Buffer> {
  const out = join(dir, `qemu-${Math.random().toString(36).slice(2)}.raw`);
  await qemuImg('convert', '-O', 'raw', image, out);
  const bytes = await readFile(out);
  await rm(out);
  return Buffer.concat([bytes, Buffer.alloc(size - bytes.length)]);
}

async function convert(image: string, size: number) {
  const vhd = join(dir, `${Math.random().toString(36).slice(2)}.vhd`);
  const result = await convertQcow2ToFixedVhd(image, vhd, size);
  return { vhd, result, bytes: await readFile(vhd) };
}

const images: Array<[string, string[]]> = [
  ['v3, compressed, 64 KiB clusters', ['-c', '-o', 'compat=1.1']],
  ['v2, uncompressed, 4 KiB clusters', ['-o', 'compat=0.10,cluster_size=4096']],
  ['v3, compressed, 512-byte clusters', ['-c', '-o', 'cluster_size=512']],
  ['v3, compressed, 2 MiB clusters', ['-c', '-o', 'cluster_size=2M']],
  ['v2, compressed, 64 KiB clusters', ['-c', '-o', 'compat=0.10']],
];

describe('qcow2 to fixed VHD, against qemu-img', () => {
  for (const [label, options] of images) {
    it(`${label}: the disk bytes equal qemu-img's raw conversion, the footer follows`, async () => {
      const image = join(dir, `${label.replace(/\W+/g, '-')}.qcow2`);
      await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', ...options, raw, image);
      const size = 8 * MB;
      const { bytes, result } = await convert(image, size);
      expect(bytes.length).toBe(size + VHD_FOOTER_SIZE);
      expect(result.imageSize).toBe(await qcow2VirtualSize(image));
      const expected = await qemuRaw(image, size);
      expect(bytes.subarray(0, size).equals(expected)).toBe(true);
      expect(bytes.subarray(0, content.length).equals(content)).toBe(true);
      // Only clusters with data were written (all-zero ones are holes).
      expect(result.dataBytes).toBeGreaterThan(0);
      expect(result.dataBytes).toBeLessThanOrEqual(content.length);
      const footer = parseVhdFooter(bytes.subarray(size));
      expect(footer).toMatchObject({ cookie: 'conectix', diskType: 2, currentSize: size, checksumValid: true });
    });
  }

  it('qemu-img reads our VHD as a vpc disk of the full size, and converts it back to the same bytes', async () => {
    const image = join(dir, 'back.qcow2');
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-c', raw, image);
    const size = 20 * MB;
    const { vhd } = await convert(image, size);
    // Hyper-V sizes a VHD by the footer's current size; qemu does so when told (else by CHS).
    const opts = `driver=vpc,force_size_calc=current_size,file.filename=${vhd}`;
    const info = JSON.parse(await qemuImg('info', '--output=json', '--image-opts', opts)) as Record<string, unknown>;
    expect(info).toMatchObject({ format: 'vpc', 'virtual-size': size });
    const chs = JSON.parse(await qemuImg('info', '--output=json', '-f', 'vpc', vhd)) as Record<string, unknown>;
    const geometry = vhdGeometry(size);
    expect(chs['virtual-size']).toBe(geometry.cylinders * geometry.heads * geometry.sectorsPerTrack * 512);
    const back = join(dir, 'back.raw');
    await qemuImg('convert', '--image-opts', opts, '-O', 'raw', back);
    expect((await readFile(back)).equals(await qemuRaw(image, size))).toBe(true);
  });

  it('leaves holes: a 1 GiB disk of a small image takes little space', async () => {
    const image = join(dir, 'sparse.qcow2');
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, image);
    const vhd = join(dir, 'sparse.vhd');
    await convertQcow2ToFixedVhd(image, vhd, 1024 * MB);
    const seen = await stat(vhd);
    expect(seen.size).toBe(1024 * MB + VHD_FOOTER_SIZE);
    expect(seen.blocks * 512).toBeLessThan(16 * MB);
  });

  it('reads v3 zero clusters (write -z) and unallocated ones as zeros', async () => {
    const image = join(dir, 'zeroed.qcow2');
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-o', 'compat=1.1', raw, image);
    await exec('qemu-io', ['-f', 'qcow2', '-c', 'write -z 0 65536', '-c', 'write -z 131072 131072', image]);
    const size = 8 * MB;
    const { bytes } = await convert(image, size);
    const expected = await qemuRaw(image, size);
    expect(expected.subarray(0, 65536).equals(Buffer.alloc(65536))).toBe(true);
    expect(bytes.subarray(0, size).equals(expected)).toBe(true);
  });
});

describe('images the reader refuses', () => {
  it('a disk smaller than the image', async () => {
    const image = join(dir, 'big.qcow2');
    await qemuImg('create', '-q', '-f', 'qcow2', image, '64M');
    const error = await convertQcow2ToFixedVhd(image, join(dir, 'small.vhd'), 32 * MB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiskTooSmallError);
    expect(error).toMatchObject({ requestedBytes: 32 * MB, imageBytes: 64 * MB });
  });

  const refusals: Array<[string, (image: string) => Promise<unknown>, RegExp]> = [
    [
      'a backing file',
      async (image) => {
        const base = join(dir, 'base.qcow2');
        await qemuImg('create', '-q', '-f', 'qcow2', base, '16M');
        await qemuImg('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, image);
      },
      /backing file \(.*base\.qcow2\)/,
    ],
    [
      'zstd compression',
      (image) => qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-c', '-o', 'compression_type=zstd', raw, image),
      /zstd/,
    ],
    [
      'extended L2 entries',
      (image) => qemuImg('create', '-q', '-f', 'qcow2', '-o', 'extended_l2=on', image, '16M'),
      /extended L2/,
    ],
    ['a file that is not qcow2', (image) => writeFile(image, content), /not a qcow2 file/],
  ];
  for (const [label, make, message] of refusals) {
    it(label, async () => {
      const image = join(dir, `${label.replace(/\W+/g, '-')}.img`);
      await make(image);
      const target = join(dir, `${label.replace(/\W+/g, '-')}.vhd`);
      const error = await convertQcow2ToFixedVhd(image, target, 32 * MB).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Qcow2FormatError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('a truncated L2 table', async () => {
    const image = join(dir, 'cut.qcow2');
    await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, image);
    const handle = await open(image, 'r+');
    await handle.truncate(3 * 65536 + 100);
    await handle.close();
    const error = await convertQcow2ToFixedVhd(image, join(dir, 'cut.vhd'), 32 * MB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Qcow2FormatError);
  });
});

describe('VHD footer', () => {
  it('has the geometry qemu-img gives the same size (the specification’s algorithm)', async () => {
    for (const size of ['10M', '127M', '1000M', '20000M', '130G']) {
      const vhd = join(dir, `qemu-${size}.vhd`);
      await qemuImg('create', '-q', '-f', 'vpc', '-o', 'subformat=fixed', vhd, size);
      const handle = await open(vhd, 'r');
      const { size: fileSize } = await handle.stat();
      const footer = Buffer.alloc(VHD_FOOTER_SIZE);
      await handle.read(footer, 0, VHD_FOOTER_SIZE, fileSize - VHD_FOOTER_SIZE);
      await handle.close();
      await rm(vhd);
      const theirs = parseVhdFooter(footer);
      expect(vhdGeometry(theirs.currentSize), size).toEqual(theirs.geometry);
      const ours = parseVhdFooter(fixedVhdFooter(theirs.currentSize));
      expect(ours.geometry).toEqual(theirs.geometry);
      expect(ours.checksumValid).toBe(true);
      expect(theirs.checksumValid).toBe(true);
    }
  });

  it('refuses sizes a VHD cannot hold', () => {
    expect(() => fixedVhdFooter(1000)).toThrow(RangeError);
    expect(() => fixedVhdFooter(2041 * 1024 ** 3)).toThrow(RangeError);
  });
});
