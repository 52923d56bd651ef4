import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerth, runBerthOk } from '@berth/test-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';

let store: string;

beforeEach(async () => {
  store = await mkdtemp(join(tmpdir(), 'berth-rm-'));
  await runBerthOk(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:12378', 'throwaway2'], { store });
});

afterEach(async () => {
  await rm(store, { recursive: true, force: true });
});

const prompt =
  'About to remove throwaway2\nWARNING: This action will delete both local reference and remote instance.\nAre you sure? (y/n): ';

it('rm asks first; at end of input it removes nothing and exits 0, as docker-machine', async () => {
  const run = await runBerth(['rm', 'throwaway2'], { store, input: '' });
  expect(run).toMatchObject({ code: 0, stdout: prompt });
  expect((await stat(join(store, 'machines/throwaway2'))).isDirectory()).toBe(true);
});

it('rm removes after a "y" answer (the answer is not echoed)', async () => {
  const run = await runBerth(['rm', 'throwaway2'], { store, input: 'y\n' });
  expect(run).toMatchObject({ code: 0, stdout: `${prompt}Successfully removed throwaway2\n` });
  await expect(stat(join(store, 'machines/throwaway2'))).rejects.toThrow();
});

it('global flags come before the command: -s picks the store, --debug is accepted', async () => {
  const other = await mkdtemp(join(tmpdir(), 'berth-other-'));
  try {
    const run = await runBerth(['-s', store, '--debug', 'ls', '-q'], { store: other });
    expect(run).toMatchObject({ code: 0, stdout: 'throwaway2\n' });
    expect((await runBerth(['--storage-path', other, 'ls', '-q'], { store })).stdout).toBe('');
    expect((await runBerth(['-v'], { store })).stdout).toMatch(/^berth version \d+\.\d+\.\d+\n$/);
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});

it('create -d none --help lists the driver flags with the shared ones', async () => {
  const run = await runBerthOk(['create', '-d', 'none', '--help'], { store });
  expect(run.stdout).toContain('--url');
});
