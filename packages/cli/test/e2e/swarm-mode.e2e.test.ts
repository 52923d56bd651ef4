import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bashWithBerth, berthOnPath, runBerth, runBerthOk, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

/**
 * Swarm mode between two real test hosts on one bridge (2377, 7946 and 4789 reach each other):
 * `create --swarm-mode manager` starts a swarm, `--swarm-mode worker --swarm-join` joins it, and
 * the real docker CLI on the manager sees both nodes; `rm` takes a node out again (a joined
 * manager demoted first). docker-machine's standalone Swarm flags get a warning and set up nothing.
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
  const nodeRows = async () => {
    const nodes = await bash(
      "docker $(berth config mgr) node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'",
    );
    expect(nodes.code, nodes.stderr).toBe(0);
    return nodes.stdout
      .trim()
      .split('\n')
      .map((row) => row.trimEnd())
      .sort();
  };
  const swarmStateOn = async (host: TestHost) =>
    (await host.mustExec("docker info --format '{{.Swarm.LocalNodeState}}'")).trim();

  /** `rm -y NAME` of a machine on the worker's host: it left, and the manager lists only itself. */
  const removeCleanly = async (name: string) => {
    const run = await runBerthOk(['rm', '-y', name], { store });
    expect(run.stdout).toContain(`Leaving the swarm of mgr...\nSuccessfully removed ${name}\n`);
    expect(run.stderr).not.toContain('Warning');
    expect(await nodeRows()).toEqual(['mgr Ready Leader']);
    expect(await swarmStateOn(workerHost)).toBe('inactive');
  };
  const joinFromWorkerHost = (name: string, role: 'manager' | 'worker') =>
    runBerthOk(genericCreateArgs(workerHost, name, { extra: ['--swarm-mode', role, '--swarm-join', 'mgr'] }), {
      store,
    });

  it('rm of the worker takes its node out of the swarm: the manager lists only itself', async () => {
    await removeCleanly('wk');
  });

  it('rm of a manager that joined demotes it first, then it leaves and its node is deleted', async () => {
    await joinFromWorkerHost('mgr2', 'manager');
    expect(await nodeRows()).toEqual(['mgr Ready Leader', 'mgr2 Ready Reachable']);
    await removeCleanly('mgr2');
  });

  it('rm of a worker whose manager does not answer removes it, and warns that its node stays listed', async () => {
    await joinFromWorkerHost('wk2', 'worker');
    await managerHost.mustExec('systemctl stop docker.socket docker.service');
    try {
      const run = await runBerthOk(['rm', '-y', 'wk2'], { store });
      expect(run.stdout).toContain('Leaving the swarm of mgr...\nSuccessfully removed wk2\n');
      expect(run.stderr).toContain(
        'Warning: Could not take "wk2" out of the swarm of "mgr": no manager of the swarm answered (asked mgr), so its node stays listed there as Down',
      );
      expect(run.stderr).toMatch(/ {2}Remove its node on a manager: docker \$\(berth config mgr\) node rm --force \w+/);
      expect(await machines()).toEqual(['mgr']);
      expect(await swarmStateOn(workerHost)).toBe('inactive');
    } finally {
      await managerHost.mustExec('systemctl start docker.service');
    }
    await expect
      .poll(async () => (await nodeRows()).join(','), { timeout: 60_000, interval: 1000 })
      .toMatch(/^mgr Ready Leader,wk2 (Down|Unknown)/);
  });

  it('rm of the last manager Berth knows leaves the swarm on its engine', async () => {
    const run = await runBerthOk(['rm', '-y', 'mgr'], { store });
    expect(run.stdout).toContain('Leaving the swarm of mgr...\nSuccessfully removed mgr\n');
    expect(await swarmStateOn(managerHost)).toBe('inactive');
    expect(await machines()).toEqual([]);
  });
});
