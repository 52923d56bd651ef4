import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LOADER = fileURLToPath(new URL('../../bin/code-cache.cjs', import.meta.url));
const QUICK = fileURLToPath(new URL('../../dist/bundle/quick.cjs', import.meta.url));
const BUILD_ID = 'aaaabbbbccccdddd';

interface Loaded {
  cache: string;
  output: string;
  stderr: string;
  status: number | null;
}

/** Loads `file` through code-cache.cjs in a fresh Node, as bin/run.cjs does, and calls its `run`. */
function load(file: string, env: Record<string, string> = {}): Loaded {
  const script = `const { loadWithCodeCache } = require(${JSON.stringify(LOADER)});
    const loaded = loadWithCodeCache(${JSON.stringify(file)});
    Promise.resolve(loaded.exports.run?.()).then((output) => console.log(JSON.stringify({ cache: loaded.cache, output })));`;
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const answer = run.stdout.trim() ? (JSON.parse(run.stdout.trim()) as { cache: string; output: string }) : undefined;
  return { cache: answer?.cache ?? '', output: answer?.output ?? '', stderr: run.stderr, status: run.status };
}

describe('bin/code-cache.cjs: quick.cjs compiled from a code cache of its own build', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-code-cache-'));
    file = join(dir, 'start.cjs');
    await writeFile(join(dir, 'later.mjs'), 'export const word = "imported";\n');
    // As the bundle does: its import() calls go through __berthImport (scripts/bundle.mjs).
    await writeFile(
      file,
      [
        'const path = require("node:path");',
        'exports.run = async () => {',
        '  const later = await __berthImport("./later.mjs");',
        '  return later.word + " " + path.basename(__filename) + " " + typeof module.exports.run;',
        '};',
        `//# berthBuild=${BUILD_ID}`,
        '',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs without a cache, writes one on exit, and the next start uses it', async () => {
    const first = load(file);
    expect(first).toMatchObject({ cache: 'absent', output: 'imported start.cjs function', status: 0, stderr: '' });
    const written = await readFile(`${file}.cache`);
    expect(written.subarray(0, 34).toString('latin1')).toBe(`berth-code-cache ${BUILD_ID}\n`);
    expect(written.length).toBeGreaterThan(34);
    const second = load(file);
    expect(second).toMatchObject({ cache: 'accepted', output: 'imported start.cjs function', status: 0 });
    // An accepted cache is left as it is.
    expect(await readFile(`${file}.cache`)).toEqual(written);
  });

  it('ignores a cache of another build, though V8 would take it (same source length), and replaces it', async () => {
    load(file);
    const cache = await readFile(`${file}.cache`);
    const source = await readFile(file, 'utf8');
    // The same length, other code: V8's own check (the length) would not see the difference.
    const changed = source.replace('exports.run;', 'exports.ran;').replace(BUILD_ID, 'ffffeeeeddddcccc');
    expect(changed.length).toBe(source.length);
    await writeFile(file, changed);
    expect(load(file)).toMatchObject({ cache: 'absent', output: 'imported start.cjs undefined', status: 0 });
    const rewritten = await readFile(`${file}.cache`);
    expect(rewritten.subarray(0, 34).toString('latin1')).toBe('berth-code-cache ffffeeeeddddcccc\n');
    expect(rewritten).not.toEqual(cache);
  });

  it('survives a corrupt cache: V8 rejects it, the file runs, and a good cache replaces it', async () => {
    await writeFile(
      `${file}.cache`,
      Buffer.concat([Buffer.from(`berth-code-cache ${BUILD_ID}\n`), Buffer.alloc(512, 7)]),
    );
    expect(load(file)).toMatchObject({ cache: 'rejected', output: 'imported start.cjs function', status: 0 });
    expect(load(file).cache).toBe('accepted');
  });

  it('BERTH_CODE_CACHE=off loads without one and writes nothing', async () => {
    expect(load(file, { BERTH_CODE_CACHE: 'off' })).toMatchObject({
      cache: 'off',
      output: 'imported start.cjs function',
    });
    await expect(stat(`${file}.cache`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a cache it cannot write (here a directory in its place) only means none: no error, no stray file', async () => {
    await mkdir(join(`${file}.cache`, 'taken'), { recursive: true });
    expect(load(file)).toMatchObject({ cache: 'absent', output: 'imported start.cjs function', status: 0, stderr: '' });
    expect((await readdir(dir)).sort()).toEqual(['later.mjs', 'start.cjs', 'start.cjs.cache']);
  });

  it('the built quick.cjs carries its build ID, and the cache the build made for it is accepted', async () => {
    const source = await readFile(QUICK, 'utf8');
    const id = /\/\/# berthBuild=([0-9a-f]{16})\n$/.exec(source)?.[1];
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect((await readFile(`${QUICK}.cache`)).subarray(0, 34).toString('latin1')).toBe(`berth-code-cache ${id}\n`);
    expect(load(QUICK)).toMatchObject({ cache: 'accepted', status: 0, stderr: '' });
  });
});
