import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureCaAndClientCert } from '../../../src/certs/ca-bootstrap.js';
import {
  type ContextTls,
  contextMetaDir,
  contextTlsDir,
  findContext,
  removeContext,
  writeContext,
} from '../../../src/docker-context/index.js';
import { dockerIn, dockerOk, inspectContext, listContexts } from './support/docker-cli.js';

// What Berth writes into the docker CLI's context store, read back by the real docker CLI.

let work: string;
let configDir: string;
let tls: ContextTls;
let otherTls: ContextTls;

async function identity(dir: string): Promise<ContextTls> {
  const { paths } = await ensureCaAndClientCert(dir);
  const [ca, cert, key] = await Promise.all([
    readFile(paths.caCert),
    readFile(paths.clientCert),
    readFile(paths.clientKey),
  ]);
  return { ca, cert, key };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-context-store-'));
  [tls, otherTls] = await Promise.all([identity(join(work, 'certs-a')), identity(join(work, 'certs-b'))]);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeEach(async () => {
  configDir = await mkdtemp(join(work, 'docker-'));
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

function berthContext(host: string, material: ContextTls = tls) {
  return {
    name: 'berth-web',
    metadata: { Berth: { Machine: 'web', StorePath: '/stores/a' }, Description: 'Berth machine web (generic)' },
    docker: { Host: host, SkipTLSVerify: false },
    tls: material,
  };
}

describe("the docker CLI's context store as Berth writes it", () => {
  it('is read by docker context inspect and ls: name, metadata, endpoint, TLS material, where docker looks', async () => {
    expect(await writeContext(configDir, berthContext('tcp://10.0.0.5:2376'))).toBe(true);
    const inspected = await inspectContext(configDir, 'berth-web');
    expect(inspected.Name).toBe('berth-web');
    expect(inspected.Metadata).toEqual({
      Berth: { Machine: 'web', StorePath: '/stores/a' },
      Description: 'Berth machine web (generic)',
    });
    expect(inspected.Endpoints).toEqual({ docker: { Host: 'tcp://10.0.0.5:2376', SkipTLSVerify: false } });
    expect(inspected.TLSMaterial).toEqual({ docker: ['ca.pem', 'cert.pem', 'key.pem'] });
    expect(inspected.Storage).toEqual({
      MetadataPath: contextMetaDir(configDir, 'berth-web'),
      TLSPath: contextTlsDir(configDir, 'berth-web'),
    });
    const listed = (await listContexts(configDir)).find((context) => context.Name === 'berth-web');
    expect(listed).toMatchObject({
      DockerEndpoint: 'tcp://10.0.0.5:2376',
      Description: 'Berth machine web (generic)',
      Current: false,
    });
  });

  it("keeps docker's modes: TLS material 0700/0600, metadata 0755/0644", async () => {
    await writeContext(configDir, berthContext('tcp://10.0.0.5:2376'));
    const tlsDir = join(contextTlsDir(configDir, 'berth-web'), 'docker');
    expect(await mode(join(configDir, 'contexts', 'tls'))).toBe(0o700);
    expect(await mode(contextTlsDir(configDir, 'berth-web'))).toBe(0o700);
    expect(await mode(tlsDir)).toBe(0o700);
    expect((await readdir(tlsDir)).sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem']);
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) expect(await mode(join(tlsDir, file))).toBe(0o600);
    expect(await mode(contextMetaDir(configDir, 'berth-web'))).toBe(0o755);
    expect(await mode(join(contextMetaDir(configDir, 'berth-web'), 'meta.json'))).toBe(0o644);
    expect(await readFile(join(tlsDir, 'key.pem'))).toEqual(tls.key);
  });

  it('leaves a context that already says the same alone, and rewrites what changed', async () => {
    await writeContext(configDir, berthContext('tcp://10.0.0.5:2376'));
    const metaPath = join(contextMetaDir(configDir, 'berth-web'), 'meta.json');
    const keyPath = join(contextTlsDir(configDir, 'berth-web'), 'docker', 'key.pem');
    const [metaBefore, keyBefore] = await Promise.all([stat(metaPath), stat(keyPath)]);
    expect(await writeContext(configDir, berthContext('tcp://10.0.0.5:2376'))).toBe(false);
    expect((await stat(metaPath)).ino).toBe(metaBefore.ino);
    expect((await stat(keyPath)).ino).toBe(keyBefore.ino);

    expect(await writeContext(configDir, berthContext('tcp://10.0.0.9:2376', otherTls))).toBe(true);
    const inspected = await inspectContext(configDir, 'berth-web');
    expect(inspected.Endpoints).toEqual({ docker: { Host: 'tcp://10.0.0.9:2376', SkipTLSVerify: false } });
    expect(await readFile(keyPath)).toEqual(otherTls.key);
    expect(await readFile(join(contextTlsDir(configDir, 'berth-web'), 'docker', 'ca.pem'))).toEqual(otherTls.ca);
    expect(await readdir(join(contextTlsDir(configDir, 'berth-web'), 'docker'))).toHaveLength(3);
  });

  it('finds contexts docker made, tells a broken meta.json from a missing one', async () => {
    await dockerOk(configDir, [
      'context',
      'create',
      'mine',
      '--description',
      'made by hand',
      '--docker',
      'host=tcp://192.0.2.1:2375',
    ]);
    const found = await findContext(configDir, 'mine');
    expect(found).toEqual({
      exists: true,
      metaPath: join(contextMetaDir(configDir, 'mine'), 'meta.json'),
      meta: {
        Name: 'mine',
        Metadata: { Description: 'made by hand' },
        Endpoints: { docker: { Host: 'tcp://192.0.2.1:2375', SkipTLSVerify: false } },
      },
    });
    expect(await findContext(configDir, 'absent')).toEqual({ exists: false });
    await mkdir(contextMetaDir(configDir, 'broken'), { recursive: true });
    await writeFile(join(contextMetaDir(configDir, 'broken'), 'meta.json'), '{not json');
    expect(await findContext(configDir, 'broken')).toEqual({
      exists: true,
      metaPath: join(contextMetaDir(configDir, 'broken'), 'meta.json'),
      meta: undefined,
    });
  });

  it('removes a context as docker context rm does: docker no longer knows it, nothing is left', async () => {
    await writeContext(configDir, berthContext('tcp://10.0.0.5:2376'));
    await dockerOk(configDir, ['context', 'create', 'mine', '--docker', 'host=tcp://192.0.2.1:2375']);
    await removeContext(configDir, 'berth-web');
    const inspect = await dockerIn(configDir, ['context', 'inspect', 'berth-web']);
    expect(inspect.code).not.toBe(0);
    expect(inspect.stderr).toContain('context not found');
    expect((await listContexts(configDir)).map((context) => context.Name)).toEqual(['default', 'mine']);
    expect(await readdir(join(configDir, 'contexts', 'tls'))).toEqual([]);
    // Removing what is not there is no error.
    await removeContext(configDir, 'berth-web');
  });
});
