import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerHostInEffect } from '../../../src/docker-context/index.js';
import { dockerOk } from './support/docker-cli.js';

// The engine a plain `docker` talks to, checked against the real docker CLI's own answer
// (`docker context inspect` of the context `docker context show` names).

let work: string;
let configDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-docker-host-'));
  configDir = join(work, 'docker');
  await dockerOk(configDir, ['context', 'create', 'berth-web', '--docker', 'host=tcp://192.0.2.7:2376']);
  await dockerOk(configDir, ['context', 'create', 'berth-db', '--docker', 'host=tcp://192.0.2.8:2376']);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** What the docker CLI says its current context's engine is. */
async function dockerSays(): Promise<string> {
  const name = (await dockerOk(configDir, ['context', 'show'])).trim();
  return (await dockerOk(configDir, ['context', 'inspect', name, '--format', '{{.Endpoints.docker.Host}}'])).trim();
}

describe('dockerHostInEffect', () => {
  it('is the current context’s engine, as docker finds it, once `docker context use` picked one', async () => {
    await dockerOk(configDir, ['context', 'use', 'berth-web']);
    const env = { DOCKER_CONFIG: configDir };
    expect(await dockerHostInEffect(env)).toBe('tcp://192.0.2.7:2376');
    expect(await dockerHostInEffect(env)).toBe(await dockerSays());
  });

  it('lets DOCKER_HOST win over any context, and DOCKER_CONTEXT over config.json', async () => {
    await dockerOk(configDir, ['context', 'use', 'berth-web']);
    expect(await dockerHostInEffect({ DOCKER_CONFIG: configDir, DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toBe(
      'tcp://10.0.0.1:2376',
    );
    expect(await dockerHostInEffect({ DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'berth-db' })).toBe(
      'tcp://192.0.2.8:2376',
    );
    // An empty DOCKER_HOST is no DOCKER_HOST, for docker too.
    expect(await dockerHostInEffect({ DOCKER_CONFIG: configDir, DOCKER_HOST: '' })).toBe('tcp://192.0.2.7:2376');
  });

  it('is empty for the default context, a context that is gone, a broken config.json or no config dir', async () => {
    await dockerOk(configDir, ['context', 'use', 'default']);
    expect(await dockerHostInEffect({ DOCKER_CONFIG: configDir })).toBe('');
    expect(await dockerHostInEffect({ DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'berth-nosuch' })).toBe('');
    const broken = join(work, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'config.json'), '{ not json');
    expect(await dockerHostInEffect({ DOCKER_CONFIG: broken })).toBe('');
    expect(await dockerHostInEffect({})).toBe('');
  });
});
