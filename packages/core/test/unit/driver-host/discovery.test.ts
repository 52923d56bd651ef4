import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NoneDriver } from '@berth/driver-none';
import { DriverNotFoundError } from '@berth/driver-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDriverExecutable } from '../../../src/driver-host/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'berth-discovery-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function executable(dir: string, name: string, mode = 0o755): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `berth-driver-${name}`);
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, mode);
  return file;
}

async function notFound(
  name: string,
  options: Parameters<typeof findDriverExecutable>[1],
): Promise<DriverNotFoundError> {
  const error = await findDriverExecutable(name, options).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DriverNotFoundError);
  return error as DriverNotFoundError;
}

describe('findDriverExecutable', () => {
  // The host names its built-ins; their packages resolve from the package that depends on them (here, this test's).
  const builtins = { drivers: { none: async () => new NoneDriver() }, resolveFrom: import.meta.url };

  it('finds a built-in driver through its package bin and starts it with Node', async () => {
    const found = await findDriverExecutable('none', { env: { PATH: '' }, builtins });
    expect(found.source).toBe('builtin');
    expect(found.path).toMatch(/driver-none[/\\]bin[/\\]berth-driver-none\.js$/);
    expect(found.command).toBe(process.execPath);
    expect(found.args).toEqual([found.path]);
  });

  it('takes a package @berth/driver-<name> only for a driver the host names as built-in', async () => {
    const error = await notFound('none', { env: { PATH: '' } });
    expect(error.actions[0]).toBe('Berth looked for berth-driver-none in: BERTH_DRIVERS_PATH (not set); PATH ().');
  });

  it('searches BERTH_DRIVERS_PATH, then <store>/plugins, then PATH', async () => {
    const dirs = ['drivers-a', 'drivers-b', 'store/plugins', 'bin'].map((dir) => path.join(root, dir));
    const [driversA, driversB, plugins, bin] = dirs as [string, string, string, string];
    const env = { BERTH_DRIVERS_PATH: [driversA, driversB].join(path.delimiter), PATH: bin };
    const options = { env, storePath: path.join(root, 'store') };
    await executable(bin, 'kvm');
    expect(await findDriverExecutable('kvm', options)).toMatchObject({
      source: 'PATH',
      path: path.join(bin, 'berth-driver-kvm'),
    });
    await executable(plugins, 'kvm');
    expect((await findDriverExecutable('kvm', options)).source).toBe('store-plugins');
    await executable(driversB, 'kvm');
    expect(await findDriverExecutable('kvm', options)).toMatchObject({
      source: 'BERTH_DRIVERS_PATH',
      path: path.join(driversB, 'berth-driver-kvm'),
    });
    await executable(driversA, 'kvm');
    expect(await findDriverExecutable('kvm', options)).toMatchObject({
      path: path.join(driversA, 'berth-driver-kvm'),
      command: path.join(driversA, 'berth-driver-kvm'),
      args: [],
    });
  });

  it("fails in Docker Machine's words and lists every place it looked", async () => {
    const error = await notFound('nosuchdriver', {
      env: { PATH: ['/opt/a', '/opt/b'].join(path.delimiter) },
      storePath: '/home/u/.docker/machine',
    });
    expect(error.message).toBe(
      'Driver "nosuchdriver" not found. Do you have the plugin binary "berth-driver-nosuchdriver" accessible in your PATH?',
    );
    expect(error.actions).toEqual([
      `Berth looked for berth-driver-nosuchdriver in: BERTH_DRIVERS_PATH (not set); /home/u/.docker/machine/plugins; PATH (/opt/a${path.delimiter}/opt/b).`,
      'Install the driver, or put berth-driver-nosuchdriver in a directory listed in BERTH_DRIVERS_PATH.',
    ]);
    expect(error.data).toMatchObject({ driver: 'nosuchdriver', notExecutable: [] });
  });

  it('skips a match that is not executable and says so', async () => {
    const file = await executable(root, 'kvm', 0o644);
    const error = await notFound('kvm', { env: { BERTH_DRIVERS_PATH: root, PATH: '' } });
    expect(error.actions).toContain(`${file} exists but is not executable: make it executable (chmod +x).`);
    expect(error.data.notExecutable).toEqual([file]);
  });

  it('skips a directory with the driver name', async () => {
    await mkdir(path.join(root, 'berth-driver-kvm'));
    await notFound('kvm', { env: { BERTH_DRIVERS_PATH: root, PATH: '' } });
  });

  it('refuses names that could escape the search directories', async () => {
    await executable(root, 'x');
    for (const name of ['../x', 'a/b', '', '-x']) {
      const error = await notFound(name, { env: { BERTH_DRIVERS_PATH: path.join(root, 'sub'), PATH: root } });
      expect(error.actions).toContain('Driver names contain only letters, digits, "-" and "_".');
    }
  });

  it('does not take a package without the right bin for a built-in driver', async () => {
    // @berth/driver-protocol exists but has no berth-driver-protocol bin.
    const protocol = { drivers: { protocol: async () => new NoneDriver() }, resolveFrom: import.meta.url };
    const error = await notFound('protocol', { env: { PATH: '' }, builtins: protocol });
    expect(error.actions[0]).toContain('the built-in package @berth/driver-protocol');
  });
});
