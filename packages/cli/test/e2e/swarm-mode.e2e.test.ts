import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashWithBerth, berthOnPath, runBerth, runBerthOk, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

/**
 * Swarm mode between two real test hosts on one bridge (2377, 7946 and 4789 reach each other):
 * `create --swarm-mode manager` starts a swarm, `--swarm-mode worker --swarm-join` joins it, and
 * the real docker CLI on the manager sees both nodes. docker-machine's standalone Swarm flags get
 * a warning and set up nothing.
 */
describe('berth create --swarm-mode: a manager and a worker on two hosts', () => {
  let session: TestSession;
  let managerHost: TestHost;
  let workerHost: TestHost;
  let store: string;
  let bin: string;

  const bash = (script: string) => bashWithBerth(script, { store, binDir: bin });
  const config = async (name: string) =>
    JSON.parse(await readFile(join(store, 'machines', name, 'config.json'), 'utf8')) as {
      HostOptions: { SwarmMode?: unknown; SwarmOptions: Record<string, unknown> };
    };
  const machines = async () => (await runBerthOk(['ls', '-q'], { store })).stdout.split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    session = await TestSession.create();
    // `adopt` hosts have docker.io installed already: provisioning adopts it, no install.
    [managerHost, workerHost] = await Promise.all([
      session.startHost({ variant: 'adopt' }),
      session.startHost({ variant: 'adopt' }),
    ]);
    store = await mkdtemp(join(tmpdir(), 'berth-swarm-'));
    bin = await berthOnPath();
  });

  afterAll(async () => {
    await session?.clean();
    for (const dir of [store, bin]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses to join a manager it does not know, before making anything', async () => {
    const run = await runBerth(
      genericCreateArgs(workerHost, 'early', { extra: ['--swarm-mode', 'worker', '--swarm-join', 'nosuch'] }),
      { store },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('Cannot join the swarm of "nosuch": there is no machine called "nosuch"');
    expect(run.stdout).not.toContain('Creating machine...');
    const worker = await runBerth(genericCreateArgs(workerHost, 'early', { extra: ['--swarm-mode', 'worker'] }), {
      store,
    });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('--swarm-mode worker needs --swarm-join MANAGER');
    expect(await machines()).toEqual([]);
  });

  it('creates the manager: swarm mode is initialised, advertised at the machine IP', async () => {
    const run = await runBerthOk(genericCreateArgs(managerHost, 'mgr', { extra: ['--swarm-mode', 'manager'] }), {
      store,
    });
    expect(run.stdout).toContain(
      'Docker is up and running!\nInitialising swarm mode: this machine is its manager...\n',
    );
    expect((await config('mgr')).HostOptions.SwarmMode).toEqual({ Role: 'manager', Manager: 'mgr' });
    const info = await bash("docker $(berth config mgr) info --format '{{.Swarm.LocalNodeState}} {{.Swarm.NodeAddr}}'");
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout.trim()).toBe(`active ${managerHost.address}`);
  });

  it('creates a worker that joins it, warning that the standalone Swarm flags it was also given do nothing', async () => {
    const legacy = ['--swarm', '--swarm-master', '--swarm-discovery', 'token://abc'];
    const run = await runBerthOk(
      genericCreateArgs(workerHost, 'wk', { extra: ['--swarm-mode', 'worker', '--swarm-join', 'mgr', ...legacy] }),
      { store },
    );
    expect(run.stderr).toContain(
      "Warning: --swarm, --swarm-master, --swarm-discovery are for docker-machine's standalone Swarm, which is retired upstream",
    );
    expect(run.stderr).toContain(
      'For swarm mode use --swarm-mode manager, or --swarm-mode worker --swarm-join MANAGER.',
    );
    expect(run.stdout).toContain('Joining the swarm of mgr as a worker...\n');
    const stored = (await config('wk')).HostOptions;
    expect(stored.SwarmMode).toEqual({ Role: 'worker', Manager: 'mgr' });
    // Nothing of standalone Swarm is recorded, so docker-machine would not try to set it up either.
    expect(stored.SwarmOptions).toMatchObject({ IsSwarm: false, Master: false, Agent: false, Discovery: '' });
  });

  it('docker node ls on the manager shows both nodes, and ls shows each one in its swarm', async () => {
    const nodes = await bash(
      "docker $(berth config mgr) node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'",
    );
    expect(nodes.code, nodes.stderr).toBe(0);
    const rows = nodes.stdout
      .trim()
      .split('\n')
      .map((row) => row.trimEnd());
    expect(rows.sort()).toEqual(['mgr Ready Leader', 'wk Ready']);
    const ls = await runBerthOk(['ls', '--format', '{{.Name}}={{.Swarm}}'], { store });
    expect(ls.stdout).toBe('mgr=mgr (manager)\nwk=mgr (worker)\n');
    const table = (await runBerthOk(['ls'], { store })).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+ACTIVE\s+DRIVER\s+STATE\s+URL\s+SWARM\s+DOCKER\s+ERRORS$/);
    expect(table[1]).toMatch(/^mgr\s+-\s+generic\s+Running\s+\S+\s+mgr \(manager\)\s+v\d/);
    expect(table[2]).toMatch(/^wk\s+-\s+generic\s+Running\s+\S+\s+mgr \(worker\)\s+v\d/);
    expect((await runBerthOk(['ls', '-q', '--filter', 'swarm=mgr'], { store })).stdout).toBe('mgr\nwk\n');
  });

  it('refuses to join a machine that is only a worker, before making anything', async () => {
    const run = await runBerth(
      genericCreateArgs(managerHost, 'second', { extra: ['--swarm-mode', 'worker', '--swarm-join', 'wk'] }),
      { store },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('Cannot join the swarm of "wk": it is not a swarm manager (it is a worker)');
    expect(await machines()).toEqual(['mgr', 'wk']);
  });

  it("a join the engine refuses fails with the engine's message and leaves no machine behind", async () => {
    // The worker's host is in the swarm already: its engine refuses a second join.
    const run = await runBerth(
      genericCreateArgs(workerHost, 'again', { extra: ['--swarm-mode', 'worker', '--swarm-join', 'mgr'] }),
      { store },
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      /Error creating machine: Joining "again" to the swarm of "mgr" \(\S+:2377\) failed: .*already part of a swarm/,
    );
    expect(await machines()).toEqual(['mgr', 'wk']);
    // Still two nodes (provisioning renamed the worker's host, which its node reports).
    const nodes = await bash("docker $(berth config mgr) node ls --format '{{.Status}}'");
    expect(nodes.stdout.trim().split('\n')).toEqual(['Ready', 'Ready']);
  });
});
