import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DM_FIXTURES_ENV, dockerMachineFixture, dockerMachineFixturesDir, REPO_ROOT, sharedDir } from '@berth/test-kit';
import { afterEach, expect, it } from 'vitest';

const saved = process.env[DM_FIXTURES_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[DM_FIXTURES_ENV];
  else process.env[DM_FIXTURES_ENV] = saved;
});

it('finds the repository root from its own path: the checkout holding this test', () => {
  const here = fileURLToPath(import.meta.url);
  expect(here.startsWith(join(REPO_ROOT, 'packages', 'test-kit', 'test'))).toBe(true);
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  expect(manifest.workspaces).toContain('packages/test-kit');
});

it('puts shared/ beside the repository', () => {
  expect(sharedDir()).toBe(join(dirname(REPO_ROOT), 'shared'));
});

it('finds the docker-machine 0.16 recordings in shared/fixtures (without the override)', () => {
  delete process.env[DM_FIXTURES_ENV];
  const dir = dockerMachineFixturesDir();
  expect(dir).toBe(join(sharedDir(), 'fixtures', 'docker-machine-0.16'));
  expect(existsSync(join(dir, 'store', 'machines', 'dm-generic', 'config.json'))).toBe(true);
  expect(readFileSync(dockerMachineFixture('outputs', 'ls.stdout'), 'utf8')).toMatch(/^NAME +ACTIVE +DRIVER/);
});

it('honours BERTH_DM_FIXTURES, and says where it looked when the recordings are not there', async () => {
  const other = await mkdtemp(join(tmpdir(), 'berth-dm-fixtures-'));
  try {
    process.env[DM_FIXTURES_ENV] = other;
    expect(() => dockerMachineFixturesDir()).toThrow(
      new RegExp(`fixtures not found at ${other} \\(from ${DM_FIXTURES_ENV}=${other}\\)`),
    );
    await mkdir(join(other, 'store', 'machines'), { recursive: true });
    await mkdir(join(other, 'outputs'));
    expect(dockerMachineFixturesDir()).toBe(other);
    expect(dockerMachineFixture('store', 'machines')).toBe(join(other, 'store', 'machines'));
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});
