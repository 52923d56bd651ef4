import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashWithBerth, berthOnPath, runBerthOk, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

/**
 * A machine's docker context on a real test host, driven by the real docker CLI: written by
 * create, current after `berth use` (a plain `docker run` reaches the machine, no variables), new
 * TLS material after regenerate-certs, gone after rm. DOCKER_CONFIG is a temporary directory:
 * the user's own ~/.docker (and the test kit's engine behind it) is never touched.
 */
describe('berth use: every machine is a docker context', () => {
  let session: TestSession;
  let host: TestHost;
  let store: string;
  let bin: string;
  let dockerConfig: string;

  /** What the user keeps in config.json; Berth must leave all of it as it is. */
  const USER_CONFIG = {
    auths: { 'registry.example.test': { auth: 'dXNlcjpwYXNz' } },
    detachKeys: 'ctrl-e,e',
    psFormat: 'table {{.ID}}\t{{.Names}}',
  };

  /** A shell of this user: berth on PATH, no DOCKER_* variable that would override the context. */
  const bash = (script: string, env: Record<string, string> = {}) =>
    bashWithBerth(script, {
      store,
      binDir: bin,
      unset: ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH'],
      env: { DOCKER_CONFIG: dockerConfig, ...env },
    });
  const bashOk = async (script: string, env: Record<string, string> = {}) => {
    const result = await bash(script, env);
    expect(result.code, `${script}\n${result.stderr}`).toBe(0);
    return result;
  };
  const berth = (args: string[]) => runBerthOk(args, { store, env: { DOCKER_CONFIG: dockerConfig } });
  const userConfig = async () => JSON.parse(await readFile(join(dockerConfig, 'config.json'), 'utf8')) as object;
  const contextRows = async () =>
    (await bashOk("docker context ls --format '{{.Name}} {{.DockerEndpoint}}'")).stdout.trim().split('\n').sort();

  beforeAll(async () => {
    session = await TestSession.create();
    host = await session.startHost({ variant: 'adopt' });
    store = await mkdtemp(join(tmpdir(), 'berth-contexts-'));
    dockerConfig = await mkdtemp(join(tmpdir(), 'berth-docker-config-'));
    await writeFile(join(dockerConfig, 'config.json'), JSON.stringify(USER_CONFIG, null, '\t'));
    bin = await berthOnPath();
  });

  afterAll(async () => {
    await session?.clean();
    for (const dir of [store, bin, dockerConfig]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('create writes the context berth-NAME, and docker --context reaches the engine over TLS', async () => {
    const created = await berth(genericCreateArgs(host, 'web'));
    expect(created.stdout).toContain('Docker is up and running!');
    expect(created.stdout).not.toContain('Warning');
    expect(await contextRows()).toEqual([
      `berth-web tcp://${host.address}:2376`,
      'default unix:///var/run/docker.sock',
    ]);
    const info = await bashOk("docker --context berth-web info --format '{{.Name}}'");
    expect(info.stdout.trim()).toBe('web');
    // Creating a context does not make it current.
    expect(await userConfig()).toEqual(USER_CONFIG);
  });

  it('after `berth use`, a plain docker command runs a container on the machine, in any new shell', async () => {
    const used = await bashOk('berth use web');
    expect(used.stdout).toBe('Current docker context is now "berth-web" (machine web)\n');
    expect(used.stderr).toBe('');
    expect(await userConfig()).toEqual({ ...USER_CONFIG, currentContext: 'berth-web' });
    const run = await bashOk(
      [
        'set -e',
        'docker context show',
        "docker info --format '{{.Name}}'",
        `docker load -i ${session.images.tinyTar} >/dev/null`,
        `docker run --rm ${session.images.tiny} echo hello-from-context`,
      ].join('\n'),
    );
    expect(run.stdout.split('\n')).toEqual(['berth-web', 'web', 'hello-from-context', '']);
    // ls and active mark the machine plain docker talks to: the current context's, here.
    const marked = await bashOk("berth ls && berth ls --format '{{.Name}} {{.Active}}' && berth active");
    expect(marked.stdout).toMatch(/^web +\* +generic +Running /m);
    expect(marked.stdout).toMatch(/^web \*\nweb\n$/m);
    // env keeps working as before, next to the context.
    const env = await bashOk("eval $(berth env web) && docker info --format '{{.Name}}' && echo $DOCKER_HOST");
    expect(env.stdout).toBe(`web\ntcp://${host.address}:2376\n`);
  });

  it('use warns when DOCKER_HOST or DOCKER_CONTEXT would make docker ignore the context', async () => {
    const withHost = await bashOk('berth use web', { DOCKER_HOST: `tcp://${host.address}:2376` });
    expect(withHost.stderr).toBe(
      `Warning: DOCKER_HOST is set (tcp://${host.address}:2376), so docker ignores the current context in this shell. Run: eval $(berth env -u)\n`,
    );
    const withContext = await bashOk('berth use web', { DOCKER_CONTEXT: 'default' });
    expect(withContext.stderr).toContain('Warning: DOCKER_CONTEXT is set (default)');
  });

  it('regenerate-certs with a new CA gives the context the new TLS material, and docker still reaches the machine', async () => {
    const tlsPath = await bashOk("docker context inspect berth-web --format '{{.Storage.TLSPath}}'");
    const tlsDir = join(tlsPath.stdout.trim(), 'docker');
    const oldCa = await readFile(join(tlsDir, 'ca.pem'), 'utf8');
    await rm(join(store, 'certs'), { recursive: true, force: true });
    await berth(['regenerate-certs', '-f', '--client-certs', 'web']);
    const newCa = await readFile(join(store, 'certs', 'ca.pem'), 'utf8');
    expect(newCa).not.toBe(oldCa);
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
      expect(await readFile(join(tlsDir, file), 'utf8')).toBe(await readFile(join(store, 'certs', file), 'utf8'));
    }
    expect((await bashOk("docker info --format '{{.Name}}'")).stdout.trim()).toBe('web');
  });

  it('use --unset goes back to the default context, keeping the rest of config.json', async () => {
    const unset = await bashOk('berth use --unset');
    expect(unset.stdout).toBe('Current docker context is now "default"\n');
    expect(await userConfig()).toEqual(USER_CONFIG);
    expect((await bashOk('docker context show')).stdout.trim()).toBe('default');
    expect((await bashOk("berth ls --format '{{.Name}} {{.Active}}'")).stdout).toBe('web -\n');
    const active = await bash('berth active');
    expect(active).toMatchObject({ code: 1, stderr: expect.stringContaining('No active host found') });
  });

  it('rm removes the context, and the current context goes back to default with it', async () => {
    await bashOk('berth use web');
    await berth(['rm', '-y', 'web']);
    expect(await contextRows()).toEqual(['default unix:///var/run/docker.sock']);
    expect(await userConfig()).toEqual(USER_CONFIG);
    expect((await bashOk('docker context show')).stdout.trim()).toBe('default');
  });
});
