import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIsoImage, type IsoFile, writeIsoImage } from '../../../src/seed/iso9660-writer.js';
import { SeedImageError } from '../../../src/seed/seed-errors.js';
import { blkidProbe, isoinfoExtract, isoinfoList, runTool, toolText, xorrisoPaths } from './support/iso-tools.js';

const DATE = new Date(Date.UTC(2024, 4, 17, 12, 30, 45));

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'berth-iso-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
async function writeImage(files: readonly IsoFile[], volumeId = 'cidata'): Promise<string> {
  const path = join(tmp, `image-${++counter}.iso`);
  await writeIsoImage(path, { volumeId, files, date: DATE });
  return path;
}

const bytesOf = (file: IsoFile) => Buffer.from(typeof file.content === 'string' ? file.content : file.content);
const sortedNames = (files: readonly { name: string }[]) => files.map((file) => file.name).sort();

/** Every way a real reader sees the files: Joliet and Rock Ridge through isoinfo and xorriso, byte for byte. */
async function expectReadableEverywhere(
  image: string,
  files: readonly IsoFile[],
  extracted: readonly IsoFile[] = files,
): Promise<void> {
  const expected = files.map((file) => ({ name: file.name, size: bytesOf(file).length })).sort(byName);
  for (const tree of ['joliet', 'rock'] as const) {
    const listed = await isoinfoList(image, tree);
    expect(listed.map(({ name, size }) => ({ name, size })).sort(byName), `isoinfo ${tree}`).toEqual(expected);
    for (const file of extracted) {
      expect((await isoinfoExtract(image, tree, `/${file.name}`)).equals(bytesOf(file)), `${tree} ${file.name}`).toBe(
        true,
      );
    }
  }
  const paths = files.map((file) => `/${file.name}`).sort();
  expect((await xorrisoPaths(image, 'nojoliet')).sort(), 'xorriso Rock Ridge').toEqual(paths);
  expect((await xorrisoPaths(image, 'norock')).sort(), 'xorriso Joliet').toEqual(paths);
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

describe('an ISO 9660 image with Joliet and Rock Ridge, as real tools read it', () => {
  const seedFiles: IsoFile[] = [
    { name: 'user-data', content: '#cloud-config\nhostname: web\n' },
    { name: 'meta-data', content: 'instance-id: iid-web\nlocal-hostname: web\n' },
  ];
  let image: string;
  beforeAll(async () => {
    image = await writeImage(seedFiles);
  });

  it('has volume id cidata, Joliet level 3 and Rock Ridge, and a volume size equal to the file', async () => {
    const info = await toolText('isoinfo', ['-d', '-i', image]);
    expect(info).toContain('CD-ROM is in ISO 9660 format');
    expect(info).toMatch(/^Volume id: cidata$/m);
    expect(info).toContain('Joliet with UCS level 3 found');
    expect(info).toContain('Rock Ridge signatures version 1 found');
    expect(info).toMatch(/^Logical block size is: 2048$/m);
    const sectors = Number(/^Volume size is: (\d+)$/m.exec(info)?.[1]);
    expect(sectors * 2048).toBe((await stat(image)).size);
  });

  it('is found by blkid as TYPE iso9660 with LABEL cidata (how cloud-init finds the seed)', async () => {
    const probe = await blkidProbe(image);
    expect(probe.TYPE).toBe('iso9660');
    expect(probe.LABEL).toBe('cidata');
    expect(probe.VERSION).toBe('Joliet Extension');
  });

  it('shows user-data and meta-data by their real names, with their exact bytes, in both extensions', async () => {
    await expectReadableEverywhere(image, seedFiles);
  });

  it('gives plain ISO 9660 readers unique level 1 names, and Rock Ridge read-only root-owned files', async () => {
    expect(sortedNames(await isoinfoList(image, 'primary'))).toEqual(['META_DAT.;1', 'USER_DAT.;1']);
    expect((await isoinfoExtract(image, 'primary', '/USER_DAT.;1')).toString()).toBe(seedFiles[0]?.content);
    expect((await xorrisoPaths(image, 'ecma119')).sort()).toEqual(['/META_DAT', '/USER_DAT']);
    for (const file of await isoinfoList(image, 'rock')) expect(file.mode).toBe('-r--r--r--');
  });

  it('passes a full read of every block by xorriso', async () => {
    const { stdout, stderr } = await runTool('xorriso', [
      '-return_with',
      'WARNING',
      '32',
      '-indev',
      image,
      '-check_media',
      '--',
    ]);
    expect(`${stdout}${stderr}`).toMatch(/Media region\s*:\s*0\s*,\s*\d+\s*,\s*\+ good/);
  });

  it('lists the same names, sizes and contents as genisoimage -volid cidata -joliet -rock does', async () => {
    const sourceDir = join(tmp, 'genisoimage-source');
    await mkdir(sourceDir, { recursive: true });
    for (const file of seedFiles) await writeFile(join(sourceDir, file.name), file.content);
    const reference = join(tmp, 'genisoimage.iso');
    await runTool('genisoimage', [
      '-quiet',
      '-output',
      reference,
      '-volid',
      'cidata',
      '-joliet',
      '-rock',
      ...seedFiles.map((file) => join(sourceDir, file.name)),
    ]);
    for (const tree of ['primary', 'joliet', 'rock'] as const) {
      const ours = (await isoinfoList(image, tree)).map(({ name, size }) => ({ name, size })).sort(byName);
      const theirs = (await isoinfoList(reference, tree)).map(({ name, size }) => ({ name, size })).sort(byName);
      expect(ours, tree).toEqual(theirs);
    }
    for (const file of seedFiles) {
      const path = `/${file.name}`;
      expect(
        (await isoinfoExtract(image, 'joliet', path)).equals(await isoinfoExtract(reference, 'joliet', path)),
      ).toBe(true);
    }
    const label = (text: string) => /^Volume id: (.*)$/m.exec(text)?.[1];
    expect(label(await toolText('isoinfo', ['-d', '-i', image]))).toBe(
      label(await toolText('isoinfo', ['-d', '-i', reference])),
    );
    expect((await blkidProbe(image)).LABEL).toBe((await blkidProbe(reference)).LABEL);
  });
});

describe('edge cases, each read back by isoinfo and xorriso', () => {
  it('an empty file', async () => {
    const files = [
      { name: 'meta-data', content: '' },
      { name: 'user-data', content: '#cloud-config\n' },
    ];
    await expectReadableEverywhere(await writeImage(files), files);
  });

  it('only empty files', async () => {
    const files = [{ name: 'vendor-data', content: '' }];
    await expectReadableEverywhere(await writeImage(files), files);
  });

  it('files of exactly one sector, one byte more, and one byte less, in adjacent extents', async () => {
    const files = [
      { name: 'exact', content: randomBytes(2048) },
      { name: 'over', content: randomBytes(2049) },
      { name: 'under', content: randomBytes(2047) },
    ];
    const image = await writeImage(files);
    await expectReadableEverywhere(image, files);
    const extents = new Map((await isoinfoList(image, 'joliet')).map((file) => [file.name, file.extent]));
    expect((extents.get('over') as number) - (extents.get('exact') as number)).toBe(1);
    expect((extents.get('under') as number) - (extents.get('over') as number)).toBe(2);
  });

  it('a 100 KiB user-data spanning many sectors', async () => {
    const files = [
      { name: 'user-data', content: randomBytes(100 * 1024) },
      { name: 'meta-data', content: 'instance-id: big\n' },
    ];
    await expectReadableEverywhere(await writeImage(files), files);
  });

  it('names of 64 characters (Joliet limit), with dots, a space, and clashing 8.3 forms', async () => {
    const files = [
      { name: 'a'.repeat(64), content: 'sixty-four' },
      { name: `${'b'.repeat(60)}.txt`, content: 'dotted long' },
      { name: 'vendor-data1', content: 'one' },
      { name: 'vendor-data2', content: 'two' },
      { name: 'network-config', content: 'version: 2\n' },
      { name: 'a.b.c.tar.gz', content: randomBytes(10) },
      { name: 'with space', content: 'spaced' },
      { name: 'UPPER', content: 'upper' },
      { name: 'upper', content: 'lower' },
    ];
    const image = await writeImage(files);
    await expectReadableEverywhere(image, files);
    const primary = sortedNames(await isoinfoList(image, 'primary'));
    expect(new Set(primary).size).toBe(files.length);
    for (const name of primary) expect(name).toMatch(/^[A-Z0-9_]{1,8}\.[A-Z0-9_]{0,3};1$/);
  });

  it('many files, so that both root directories span several sectors without a record crossing a boundary', async () => {
    const files = Array.from({ length: 40 }, (_, index) => ({
      name: `file-${String(index).padStart(2, '0')}-${'x'.repeat(40)}`,
      content: `content ${index}\n`,
    }));
    const image = await writeImage(files);
    // Every name and size listed; the contents of the first, a middle and the last (isoinfo runs once per file).
    await expectReadableEverywhere(image, files, [files[0], files[20], files[39]] as IsoFile[]);
    const dirSize = (text: string) => Number(/\s(\d+) \w{3}\s+\d+ \d{4} \[\s*\d+ 02\]\s+\.\s*$/m.exec(text)?.[1]);
    expect(dirSize(await toolText('isoinfo', ['-R', '-l', '-i', image]))).toBeGreaterThan(2048);
    expect(dirSize(await toolText('isoinfo', ['-J', '-l', '-i', image]))).toBeGreaterThan(2048);
  });

  it('another volume label', async () => {
    const image = await writeImage([{ name: 'f', content: 'x' }], 'CONFIG-2');
    expect((await blkidProbe(image)).LABEL).toBe('CONFIG-2');
  });
});

describe('what the writer refuses, and its determinism', () => {
  const build =
    (files: IsoFile[], volumeId = 'cidata') =>
    () =>
      buildIsoImage({ volumeId, files });

  it('refuses names ISO 9660 with Joliet and Rock Ridge cannot hold', () => {
    expect(build([{ name: 'a'.repeat(65), content: '' }])).toThrow(SeedImageError);
    expect(build([{ name: '', content: '' }])).toThrow(SeedImageError);
    expect(build([{ name: 'dir/file', content: '' }])).toThrow(/dir\/file/);
    expect(build([{ name: 'v;1', content: '' }])).toThrow(SeedImageError);
    expect(build([{ name: 'tab\there', content: '' }])).toThrow(SeedImageError);
    expect(build([{ name: 'é', content: '' }])).toThrow(SeedImageError);
    expect(build([{ name: '..', content: '' }])).toThrow(SeedImageError);
  });

  it('refuses two files of one name, and labels that do not fit both descriptors', () => {
    expect(
      build([
        { name: 'user-data', content: 'a' },
        { name: 'user-data', content: 'b' },
      ]),
    ).toThrow(/two ISO files/);
    expect(build([], 'a'.repeat(17))).toThrow(SeedImageError);
    expect(build([], 'has space')).toThrow(SeedImageError);
    expect(build([], '')).toThrow(SeedImageError);
  });

  it('makes the same bytes for the same input and date, and writes them atomically', async () => {
    const files = [{ name: 'user-data', content: 'same' }];
    const first = buildIsoImage({ volumeId: 'cidata', files, date: DATE });
    const second = buildIsoImage({ volumeId: 'cidata', files, date: DATE });
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const path = await writeImage(files);
    expect((await readFile(path)).equals(Buffer.from(first))).toBe(true);
    const info = await toolText('isoinfo', ['-l', '-i', path]);
    expect(info).toContain('May 17 2024');
  });
});
