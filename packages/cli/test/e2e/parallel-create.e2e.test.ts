import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerth, runBerthOk, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

let session: TestSession;
let hosts: TestHost[];
let store: string;

beforeAll(async () => {
  session = await TestSession.create();
  hosts = await session.startHosts(3);
  store = await mkdtemp(join(tmpdir(), 'berth-parallel-'));
});

afterAll(async () => {
  await session?.clean();
  if (store) await rm(store, { recursive: true, force: true });
});

it('three hosts created in parallel into one empty store: three machines, one CA, no lost write', async () => {
  const runs = await Promise.all(
    hosts.map((host, index) =>
      runBerth(genericCreateArgs(host, `node${index + 1}`, { installUrl: session.installScriptUrl }), {
        store,
        timeoutMs: 300_000,
      }),
    ),
  );
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
  // Exactly one of the three created the CA; the others used it.
  expect(runs.filter((run) => run.stdout.includes('Creating CA:'))).toHaveLength(1);
  expect((await readdir(join(store, 'certs'))).filter((f) => f.endsWith('.pem')).sort()).toEqual([
    'ca-key.pem',
    'ca.pem',
    'cert.pem',
    'key.pem',
  ]);
  const ca = await readFile(join(store, 'certs/ca.pem'), 'utf8');
  for (const name of ['node1', 'node2', 'node3']) {
    const config = JSON.parse(await readFile(join(store, 'machines', name, 'config.json'), 'utf8'));
    expect(config.Name).toBe(name);
    expect(await readFile(join(store, 'machines', name, 'ca.pem'), 'utf8')).toBe(ca);
  }
  const ls = await runBerthOk(['ls', '--format', '{{.Name}} {{.State}} {{.DockerVersion}}'], { store });
  expect(ls.stdout.trim().split('\n')).toHaveLength(3);
  for (const line of ls.stdout.trim().split('\n')) expect(line).toMatch(/^node\d Running v\d+\./);
});
