import { chmod, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readCurrentContext, setCurrentContext } from '../../../src/docker-context/index.js';
import { dockerOk } from './support/docker-cli.js';

// `currentContext` in the docker CLI's config.json, read back by the real docker CLI.

let work: string;
let configDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-current-context-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  configDir = await mkdtemp(join(work, 'docker-'));
  // A context to point at (docker refuses to run with a current context that does not exist).
  await dockerOk(configDir, ['context', 'create', 'berth-web', '--docker', 'host=tcp://192.0.2.7:2376']);
});

/** A config.json as users have them: logins, formats, proxies, plugin settings. */
const USER_CONFIG = {
  auths: { 'registry.example.test': { auth: 'dXNlcjpwYXNz' } },
  psFormat: 'table {{.ID}}\t{{.Names}}',
  detachKeys: 'ctrl-e,e',
  proxies: { default: { httpProxy: 'http://proxy.example.test:3128', noProxy: 'localhost' } },
  plugins: { compose: { hooks: 'off' } },
  'features-list': [1, 2.5, true, null],
};

const configPath = () => join(configDir, 'config.json');
const readConfig = async () => JSON.parse(await readFile(configPath(), 'utf8')) as Record<string, unknown>;
const dockerShows = async () => (await dockerOk(configDir, ['context', 'show'])).trim();

describe("the docker CLI's current context", () => {
  it('is set in config.json keeping every other key, in docker’s layout, and docker follows it', async () => {
    await writeFile(configPath(), JSON.stringify(USER_CONFIG, null, 2));
    await chmod(configPath(), 0o640);
    expect(await setCurrentContext(configDir, 'berth-web')).toBeUndefined();
    expect(await dockerShows()).toBe('berth-web');
    expect(await readConfig()).toEqual({ ...USER_CONFIG, currentContext: 'berth-web' });
    expect(await readFile(configPath(), 'utf8')).toBe(
      JSON.stringify({ ...USER_CONFIG, currentContext: 'berth-web' }, null, '\t'),
    );
    expect((await stat(configPath())).mode & 0o777).toBe(0o640);
    expect(await readCurrentContext(configDir)).toBe('berth-web');
  });

  it('is unset back to the default context, the other keys untouched', async () => {
    await writeFile(configPath(), JSON.stringify({ ...USER_CONFIG, currentContext: 'berth-web' }));
    expect(await dockerShows()).toBe('berth-web');
    expect(await setCurrentContext(configDir, undefined)).toBe('berth-web');
    expect(await dockerShows()).toBe('default');
    expect(await readConfig()).toEqual(USER_CONFIG);
    expect(await readCurrentContext(configDir)).toBeUndefined();
  });

  it('creates config.json (0600) when there is none, and writes nothing when nothing changes', async () => {
    const fresh = join(work, `fresh-${Date.now()}`);
    expect(await setCurrentContext(fresh, undefined)).toBeUndefined();
    await expect(stat(join(fresh, 'config.json'))).rejects.toThrow(/ENOENT/);
    await setCurrentContext(configDir, 'berth-web');
    expect(await readConfig()).toEqual({ currentContext: 'berth-web' });
    expect((await stat(configPath())).mode & 0o777).toBe(0o600);
    const before = await stat(configPath());
    expect(await setCurrentContext(configDir, 'berth-web')).toBe('berth-web');
    expect((await stat(configPath())).ino).toBe(before.ino);
  });

  it('reads what `docker context use` set', async () => {
    await dockerOk(configDir, ['context', 'use', 'berth-web']);
    expect(await readCurrentContext(configDir)).toBe('berth-web');
  });

  it('refuses a config.json that is not a JSON object, leaving it as it was', async () => {
    for (const text of ['{"auths": {', '[1, 2]', '"text"']) {
      await writeFile(configPath(), text);
      const error = await setCurrentContext(configDir, 'berth-web').catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('DockerConfigInvalid');
      expect((error as Error).message).toContain(configPath());
      expect(await readFile(configPath(), 'utf8')).toBe(text);
    }
  });

  it('writes through a symlinked config.json (dotfile managers), keeping the link', async () => {
    const dotfiles = join(configDir, 'dotfiles');
    await mkdir(dotfiles);
    await writeFile(join(dotfiles, 'docker-config.json'), JSON.stringify(USER_CONFIG));
    await symlink(join(dotfiles, 'docker-config.json'), configPath());
    await setCurrentContext(configDir, 'berth-web');
    expect((await lstat(configPath())).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(join(dotfiles, 'docker-config.json'), 'utf8'))).toEqual({
      ...USER_CONFIG,
      currentContext: 'berth-web',
    });
    expect(await dockerShows()).toBe('berth-web');
  });
});
