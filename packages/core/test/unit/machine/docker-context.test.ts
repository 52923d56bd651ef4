import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoneDriver } from '@berth/driver-none';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contextTlsDir, dockerConfigDir, removeContext } from '../../../src/docker-context/index.js';
import {
  BerthContext,
  changeMachineState,
  contextOverrides,
  createMachine,
  removeMachineOp,
  useDefaultContext,
  useMachineContext,
} from '../../../src/machine/index.js';
import { dockerIn, dockerOk, inspectContext, listContexts } from '../docker-context/support/docker-cli.js';
import { ScriptedStateDriver } from './support/scripted-state-driver.js';

// Every machine's docker context, kept in step by core's operations, read by the real docker CLI.

let work: string;
let configDir: string;
let root: string;
let ctx: BerthContext;
let lines: string[];
let scripted: ScriptedStateDriver;

function open(storeRoot: string): BerthContext {
  return BerthContext.open({
    storagePath: storeRoot,
    env: { DOCKER_CONFIG: configDir },
    driverHost: {
      builtins: { drivers: { none: async () => new NoneDriver(), scripted: async () => scripted } },
    },
  });
}

async function create(on: BerthContext, name: string, url: string): Promise<void> {
  await createMachine(on, {
    name,
    driverName: 'none',
    driverFlags: { url },
    engine: {},
    swarm: {},
    tlsSans: [],
    progress: (line) => lines.push(line),
  });
}

const endpointOf = async (name: string) =>
  ((await inspectContext(configDir, name)).Endpoints as { docker: { Host: string } }).docker.Host;
const contextNames = async () => (await listContexts(configDir)).map((context) => context.Name);
const dockerShows = async () => (await dockerOk(configDir, ['context', 'show'])).trim();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-machine-contexts-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  configDir = await mkdtemp(join(work, 'docker-'));
  root = await mkdtemp(join(work, 'store-'));
  scripted = new ScriptedStateDriver();
  ctx = open(root);
  lines = [];
});

afterEach(async () => {
  await ctx.dispose();
});

describe('the docker context of every machine', () => {
  it('is written by create: berth-NAME at the machine URL with the TLS identity berth uses, marked as Berth’s', async () => {
    await create(ctx, 'web', 'tcp://10.1.2.3:2376');
    expect(lines.filter((line) => line.startsWith('Warning'))).toEqual([]);
    const context = await inspectContext(configDir, 'berth-web');
    expect(context.Metadata).toEqual({
      Berth: { Machine: 'web', StorePath: root },
      Description: 'Berth machine web (none)',
    });
    expect(context.Endpoints).toEqual({ docker: { Host: 'tcp://10.1.2.3:2376', SkipTLSVerify: false } });
    expect(context.TLSMaterial).toEqual({ docker: ['ca.pem', 'cert.pem', 'key.pem'] });
    const tlsDir = join(contextTlsDir(configDir, 'berth-web'), 'docker');
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
      expect(await readFile(join(tlsDir, file))).toEqual(await readFile(join(root, 'certs', file)));
    }
    expect(await contextNames()).toEqual(['berth-web', 'default']);
  });

  it('follows the machine to its new address when a start brings one', async () => {
    await createMachine(ctx, {
      name: 'vm',
      driverName: 'scripted',
      driverFlags: {},
      engine: {},
      swarm: {},
      tlsSans: [],
      progress: (line) => lines.push(line),
    });
    expect(await endpointOf('berth-vm')).toBe('tcp://10.0.0.10:2376');
    const quick = { progress: (line: string) => lines.push(line), stateWait: { pollMs: 20 } };
    await changeMachineState(ctx, 'vm', 'stop', quick);
    await changeMachineState(ctx, 'vm', 'start', quick);
    expect(await endpointOf('berth-vm')).toBe('tcp://10.0.0.11:2376');
    expect(lines.filter((line) => line.startsWith('Warning'))).toEqual([]);
  });

  it('is removed by rm; when it was the current context docker goes back to the default one', async () => {
    await create(ctx, 'web', 'tcp://10.1.2.3:2376');
    await create(ctx, 'db', 'tcp://10.1.2.4:2376');
    await useMachineContext(ctx, 'web');
    expect(await dockerShows()).toBe('berth-web');
    await removeMachineOp(ctx, 'db', { force: false });
    expect(await contextNames()).toEqual(['berth-web', 'default']);
    expect(await dockerShows()).toBe('berth-web');
    await removeMachineOp(ctx, 'web', { force: false });
    expect(await contextNames()).toEqual(['default']);
    expect(await dockerShows()).toBe('default');
    await expect(stat(contextTlsDir(configDir, 'berth-web'))).rejects.toThrow(/ENOENT/);
  });

  it('never replaces or removes a context Berth did not make: create warns and goes on, use refuses', async () => {
    await dockerOk(configDir, ['context', 'create', 'berth-web', '--docker', 'host=tcp://192.0.2.50:2376']);
    await create(ctx, 'web', 'tcp://10.1.2.3:2376');
    expect(lines).toContain(
      'Warning: docker context "berth-web" was not updated: A docker context "berth-web" exists that Berth did not make for machine "web"',
    );
    expect(lines.some((line) => line.includes('docker context rm berth-web'))).toBe(true);
    expect(await endpointOf('berth-web')).toBe('tcp://192.0.2.50:2376');
    const refused = await useMachineContext(ctx, 'web').catch((error: unknown) => error);
    expect((refused as { code?: string }).code).toBe('DockerContextTaken');
    expect(await dockerShows()).toBe('default');
    await removeMachineOp(ctx, 'web', { force: false });
    expect(await endpointOf('berth-web')).toBe('tcp://192.0.2.50:2376');
  });

  it('leaves the context of another store’s live machine alone, and takes over one whose machine is gone', async () => {
    const otherRoot = await mkdtemp(join(work, 'store-other-'));
    const other = open(otherRoot);
    try {
      await create(other, 'web', 'tcp://10.9.9.9:2376');
      await create(ctx, 'web', 'tcp://10.1.2.3:2376');
      expect(lines.some((line) => line.startsWith('Warning: docker context "berth-web" was not updated'))).toBe(true);
      expect(await endpointOf('berth-web')).toBe('tcp://10.9.9.9:2376');
      // That store is deleted by hand: its context points at nothing any more.
      await rm(otherRoot, { recursive: true, force: true });
      const result = await useMachineContext(ctx, 'web');
      expect(result).toEqual({
        context: 'berth-web',
        machine: 'web',
        previous: 'default',
        configFile: join(configDir, 'config.json'),
        overrides: [],
      });
      expect(await endpointOf('berth-web')).toBe('tcp://10.1.2.3:2376');
      expect((await inspectContext(configDir, 'berth-web')).Metadata).toMatchObject({
        Berth: { Machine: 'web', StorePath: root },
      });
    } finally {
      await other.dispose();
    }
  });

  it('is written again by use for a machine that has none (made before contexts were kept)', async () => {
    await create(ctx, 'web', 'tcp://10.1.2.3:2376');
    await removeContext(configDir, 'berth-web');
    expect(await contextNames()).toEqual(['default']);
    await useMachineContext(ctx, 'web');
    expect(await endpointOf('berth-web')).toBe('tcp://10.1.2.3:2376');
    expect(await dockerShows()).toBe('berth-web');
    const unset = await useDefaultContext(ctx);
    expect(unset).toMatchObject({ context: 'default', previous: 'berth-web' });
    expect(await dockerShows()).toBe('default');
    // The docker CLI itself now reaches no machine; the context stays for `docker --context`.
    expect((await dockerIn(configDir, ['--context', 'berth-web', 'context', 'show'])).stdout.trim()).toBe('berth-web');
  });

  it('is not written where the environment names no docker config directory', async () => {
    const homeless = BerthContext.open({
      storagePath: root,
      env: {},
      driverHost: { builtins: { drivers: { none: async () => new NoneDriver() } } },
    });
    try {
      await create(homeless, 'web', 'tcp://10.1.2.3:2376');
      expect(lines.filter((line) => line.startsWith('Warning'))).toEqual([]);
      const refused = await useMachineContext(homeless, 'web').catch((error: unknown) => error);
      expect((refused as { code?: string }).code).toBe('DockerConfigDirUnknown');
    } finally {
      await homeless.dispose();
    }
  });
});

describe('where contexts go and what overrides them', () => {
  it('is DOCKER_CONFIG, else ~/.docker from the environment', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/cfg', HOME: '/home/u' }, 'linux')).toBe('/cfg');
    expect(dockerConfigDir({ DOCKER_CONFIG: '', HOME: '/home/u' }, 'linux')).toBe('/home/u/.docker');
    expect(dockerConfigDir({ USERPROFILE: 'C:\\Users\\u' }, 'linux')).toBeUndefined();
    expect(dockerConfigDir({ USERPROFILE: '/users/u' }, 'win32')).toBe(join('/users/u', '.docker'));
    expect(dockerConfigDir({}, 'linux')).toBeUndefined();
  });

  it('names DOCKER_HOST and DOCKER_CONTEXT when they would make docker ignore the context', () => {
    expect(contextOverrides({}, 'berth-web')).toEqual([]);
    expect(contextOverrides({ DOCKER_HOST: 'tcp://1.2.3.4:2376', DOCKER_CONTEXT: 'x' }, 'berth-web')).toEqual([
      { variable: 'DOCKER_HOST', value: 'tcp://1.2.3.4:2376' },
    ]);
    expect(contextOverrides({ DOCKER_CONTEXT: 'x' }, 'berth-web')).toEqual([
      { variable: 'DOCKER_CONTEXT', value: 'x' },
    ]);
    expect(contextOverrides({ DOCKER_CONTEXT: 'berth-web' }, 'berth-web')).toEqual([]);
    // Going back to the default context: DOCKER_HOST is what the default context uses.
    expect(contextOverrides({ DOCKER_HOST: 'tcp://1.2.3.4:2376' }, undefined)).toEqual([]);
    expect(contextOverrides({ DOCKER_CONTEXT: 'x' }, undefined)).toEqual([{ variable: 'DOCKER_CONTEXT', value: 'x' }]);
  });
});
