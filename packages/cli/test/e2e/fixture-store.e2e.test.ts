// A store written by the real docker-machine 0.16.2 (the shared fixtures) works with Berth for
// real: ls, inspect, env, config, ssh, ip, url and status against a live engine; and a machine
// Berth creates is written in the same config.json schema as docker-machine's.
//
// The fixture's `dm-generic` lives at 172.17.0.5. To make it real without sending traffic to any
// address that is not ours, an `adopt` test host gets 172.17.0.5/32 as an extra address and this
// machine gets a /32 route to it through the test host (more specific than docker0's
// 172.17.0.0/16). Every command that reaches 172.17.0.5 first asserts that the route is in place.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bashWithBerth,
  berthOnPath,
  copyFixtureStore,
  dockerMachineFixturesDir,
  FIXTURE_STORE_PATH,
  mustRun,
  runBerth,
  runCommand,
  snapshotTree,
  type TestHost,
  TestSession,
  tryDocker,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FIXTURES = dockerMachineFixturesDir();
const FIXTURE_STORE = join(FIXTURES, 'store');
const FIXTURE_IP = '172.17.0.5';
const FIXTURE_ROUTE = `${FIXTURE_IP}/32`;
/** legacy-none's endpoint: nothing may listen there. */
const LEGACY_NONE_PORT = 12376;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fixtureOutput(slug: string): Promise<string> {
  return readFile(join(FIXTURES, 'outputs', `${slug}.stdout`), 'utf8');
}

function fixtureConfig(name: string): Promise<string> {
  return readFile(join(FIXTURE_STORE, 'machines', name, 'config.json'), 'utf8');
}

/** The JSON type of every value, keys in order, as docker-machine's Go structs produce them. */
function jsonShape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return { array: [...new Set(value.map((item) => JSON.stringify(jsonShape(item))))] };
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, jsonShape(item)]);
  }
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Go's tabwriter as `ls` uses it: every cell but the last padded to its column's width + 3. */
function renderTable(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, column) => (column < row.length - 1 ? cell.padEnd((widths[column] ?? 0) + 3) : cell)))
    .map((cells) => `${cells.join('')}\n`)
    .join('');
}

/** Splits an `ls` table at the header's column starts. */
function parseTable(text: string): string[][] {
  const lines = text.split('\n').filter((line) => line.length > 0);
  const header = lines[0] ?? '';
  const starts = [...header.matchAll(/\S+/g)].map((match) => match.index ?? 0);
  return lines.map((line) =>
    starts.map((start, i) => line.slice(start, i + 1 < starts.length ? starts[i + 1] : undefined).trimEnd()),
  );
}

function refusedOnLoopback(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(5_000);
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * Containers of every engine this machine can reach over a unix socket that hold `ip`. A route
 * for `ip` would take their traffic, so the test must not add one. (Engines inside test hosts
 * live in the hosts' own network namespaces, which this machine's routes do not touch.)
 */
async function containersHolding(ip: string): Promise<string[]> {
  const sockets = new Set(['unix:///var/run/docker.sock']);
  if (process.env.DOCKER_HOST?.startsWith('unix://')) sockets.add(process.env.DOCKER_HOST);
  const contexts = await tryDocker(['context', 'ls', '--format', '{{.DockerEndpoint}}']);
  for (const endpoint of contexts.stdout.split('\n')) if (endpoint.startsWith('unix://')) sockets.add(endpoint.trim());
  for (const dir of await readdir('/run/user').catch(() => [] as string[])) {
    sockets.add(`unix:///run/user/${dir}/docker.sock`);
  }
  const found: string[] = [];
  const seen = new Set<string>();
  for (const socket of sockets) {
    const path = socket.slice('unix://'.length);
    if (!(await stat(path).catch(() => undefined))?.isSocket()) continue;
    const ids = await tryDocker(['-H', socket, 'ps', '-q', '--no-trunc']);
    if (ids.code !== 0) throw new Error(`cannot list the containers of the engine at ${socket}: ${ids.stderr.trim()}`);
    const list = ids.stdout.split('\n').filter((id) => id && !seen.has(id));
    for (const id of list) seen.add(id);
    if (list.length === 0) continue;
    const format = '{{.Name}}{{range .NetworkSettings.Networks}} {{.IPAddress}}{{end}}';
    // A container that stops between ps and inspect is simply absent from the output.
    const inspected = await tryDocker(['-H', socket, 'inspect', '--format', format, ...list]);
    for (const line of inspected.stdout.split('\n')) {
      const [name, ...addresses] = line.trim().split(' ');
      if (name && addresses.includes(ip)) found.push(`${name} (engine ${socket})`);
    }
  }
  return found;
}

interface RouteInfo {
  dst?: string;
  gateway?: string;
  dev?: string;
}

async function routeGet(address: string): Promise<RouteInfo> {
  const [route] = JSON.parse(await mustRun('ip', ['-j', 'route', 'get', address])) as RouteInfo[];
  return route ?? {};
}

describe('berth and docker-machine 0.16 stores', () => {
  let session: TestSession;
  let adopt: TestHost;
  let base: TestHost;
  let tmp: string;
  let home: string;
  let bin: string;
  /** The copied fixture store. */
  let store: string;
  /** A store only Berth writes to. */
  let berthStore: string;
  let engineVersion: string;
  let routeGateway: string | undefined;
  let bridgeDev: string;
  let removeRouteOnExit: (() => void) | undefined;

  function cleanEnv(storePath: string): NodeJS.ProcessEnv {
    // What a user's shell gives: no DOCKER_*, *_PROXY or MACHINE_* besides the store.
    return {
      PATH: `${bin}:${process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'}`,
      HOME: home,
      SHELL: '/bin/bash',
      TERM: 'dumb',
      LANG: 'C.UTF-8',
      MACHINE_STORAGE_PATH: storePath,
    };
  }

  function berthIn(storePath: string, args: string[]): Promise<Run> {
    return runBerth(args, { store: storePath, baseEnv: cleanEnv(storePath), timeoutMs: 900_000 });
  }

  async function berthOk(storePath: string, args: string[]): Promise<string> {
    const run = await berthIn(storePath, args);
    if (run.code !== 0) {
      throw new Error(`berth ${args.join(' ')} exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    }
    return run.stdout;
  }

  /** A shell line, run by bash with `berth` on PATH, as a user would type it. */
  function bash(line: string): Promise<Run> {
    return bashWithBerth(line, { store, baseEnv: cleanEnv(store), timeoutMs: 300_000 });
  }

  /** 172.17.0.5 must go to our test host, and only there, before anything is sent to it. */
  async function assertRouted(): Promise<void> {
    expect(routeGateway, 'the route to the fixture address is not set up').toBeDefined();
    const route = await routeGet(FIXTURE_IP);
    expect(route, `traffic to ${FIXTURE_IP} would not reach our test host`).toMatchObject({
      gateway: routeGateway,
      dev: bridgeDev,
    });
  }

  /** The fixture store through the real CLI; asserts the route first, as the command may reach 172.17.0.5. */
  async function fixtureBerth(args: string[]): Promise<Run> {
    await assertRouted();
    return berthIn(store, args);
  }

  async function addRoute(gateway: string): Promise<void> {
    // `replace`, not `add`: a run that was killed may have left its route behind.
    await mustRun('ip', ['route', 'replace', FIXTURE_ROUTE, 'via', gateway]);
    routeGateway = gateway;
    const del = () => spawnSync('ip', ['route', 'del', FIXTURE_ROUTE, 'via', gateway], { stdio: 'ignore' });
    removeRouteOnExit = () => del();
    process.once('exit', removeRouteOnExit);
  }

  async function removeRoute(): Promise<void> {
    if (!routeGateway) return;
    const gateway = routeGateway;
    routeGateway = undefined;
    if (removeRouteOnExit) process.removeListener('exit', removeRouteOnExit);
    removeRouteOnExit = undefined;
    // Only our route: `via` makes `ip` refuse to delete one that points elsewhere.
    await runCommand('ip', ['route', 'del', FIXTURE_ROUTE, 'via', gateway]);
    const left = await mustRun('ip', ['-j', 'route', 'show', FIXTURE_ROUTE]);
    expect(JSON.parse(left), `a route for ${FIXTURE_ROUTE} is still in place`).toEqual([]);
  }

  /** Turns the adopt host into the fixture's dm-generic host: its address, key, certs and TLS engine. */
  async function prepareFixtureHost(host: TestHost): Promise<void> {
    const machineDir = join(FIXTURE_STORE, 'machines', 'dm-generic');
    await host.mustExec(`ip addr replace ${FIXTURE_ROUTE} dev eth0`);
    await host.mustExec('cat >> /root/.ssh/authorized_keys', {
      input: await readFile(join(machineDir, 'id_rsa.pub')),
    });
    // docker-machine had set the hostname when it provisioned dm-generic.
    await host.mustExec('hostname dm-generic && echo dm-generic > /etc/hostname');
    await host.mustExec('mkdir -p /etc/docker');
    for (const file of ['ca.pem', 'server.pem', 'server-key.pem']) {
      const mode = file === 'server-key.pem' ? '0600' : '0644';
      await host.mustExec(`install -m ${mode} /dev/stdin /etc/docker/${file}`, {
        input: await readFile(join(machineDir, file)),
      });
    }
    // Debian's docker.io is socket-activated: keep `-H fd://` so the daemon takes systemd's socket.
    const dropIn = [
      '[Service]',
      'ExecStart=',
      'ExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2376 --containerd=/run/containerd/containerd.sock ' +
        '--tlsverify --tlscacert /etc/docker/ca.pem --tlscert /etc/docker/server.pem --tlskey /etc/docker/server-key.pem',
      '',
    ].join('\n');
    await host.mustExec(
      'mkdir -p /etc/systemd/system/docker.service.d && cat > /etc/systemd/system/docker.service.d/10-fixture-tls.conf',
      { input: dropIn },
    );
    await host.mustExec('systemctl daemon-reload && systemctl restart docker');
    await host.mustExec(
      'for i in $(seq 60); do ss -tln | grep -q ":2376 " && exit 0; sleep 0.5; done; ' +
        'journalctl -u docker --no-pager | tail -20; exit 1',
    );
    engineVersion = (await host.mustExec("docker version --format '{{.Server.Version}}'")).trim();
  }

  async function assertFixtureAddressFree(): Promise<void> {
    const conflicts = await containersHolding(FIXTURE_IP);
    if (conflicts.length > 0) {
      throw new Error(
        `${FIXTURE_IP} is the address of ${conflicts.join(', ')}; this test routes ${FIXTURE_ROUTE} to a test host ` +
          'and would take that traffic. Stop the container(s) and run the test again.',
      );
    }
  }

  beforeAll(async () => {
    await assertFixtureAddressFree();
    const local = await mustRun('ip', ['-j', '-4', 'addr', 'show']);
    if (local.includes(`"${FIXTURE_IP}"`)) throw new Error(`${FIXTURE_IP} is an address of this machine`);
    if (!(await refusedOnLoopback(LEGACY_NONE_PORT))) {
      throw new Error(`something listens on 127.0.0.1:${LEGACY_NONE_PORT}; the fixture's legacy-none needs it closed`);
    }

    session = await TestSession.create();
    tmp = await mkdtemp(join(tmpdir(), 'berth-fixture-store-'));
    home = join(tmp, 'home');
    bin = join(tmp, 'bin');
    store = join(tmp, 'store');
    berthStore = join(tmp, 'berth-store');
    await mkdir(home, { mode: 0o700 });
    await mkdir(bin);
    // `berth` on PATH, so `eval $(berth env ...)` and `$(berth config ...)` run as a user types them.
    await berthOnPath(bin);
    await copyFixtureStore(FIXTURE_STORE, store);

    [adopt, base] = await Promise.all([session.startHost({ variant: 'adopt' }), session.startHost()]);
    await prepareFixtureHost(adopt);
    bridgeDev = (await routeGet(adopt.address)).dev ?? '';
    expect(bridgeDev).not.toBe('');
    await assertFixtureAddressFree(); // again: containers may have started while the hosts were prepared
    await addRoute(adopt.address);
    try {
      await assertRouted();
    } catch (error) {
      await removeRoute();
      throw error;
    }
  });

  afterAll(async () => {
    try {
      await removeRoute();
    } finally {
      await session?.clean();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    }
  });

  describe('the fixture store, working for real', () => {
    let before: Record<string, string>;

    beforeAll(async () => {
      before = await snapshotTree(store);
    });

    it('lists both machines: dm-generic running with its engine version, legacy-none with its error', async () => {
      const ls = await fixtureBerth(['ls']);
      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stderr).toBe('');
      // The fixture table, with only the engine version of this environment put in.
      const rows = parseTable(await fixtureOutput('ls'));
      expect(renderTable(rows)).toBe(await fixtureOutput('ls'));
      expect(rows[0]).toEqual(['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'SWARM', 'DOCKER', 'ERRORS']);
      expect(rows[1]).toEqual([
        'dm-generic',
        '-',
        'generic',
        'Running',
        'tcp://172.17.0.5:2376',
        '',
        'v20.10.24+dfsg1',
        '',
      ]);
      expect(rows[2]?.slice(0, 5)).toEqual(['legacy-none', '-', 'none', 'Running', 'tcp://127.0.0.1:12376']);
      (rows[1] as string[])[6] = `v${engineVersion}`;
      expect(parseTable(ls.stdout)).toEqual(rows);
      expect(ls.stdout).toBe(renderTable(rows));
      // Not one byte, mode or file docker-machine stored changed. Berth added only each machine's
      // last known state (berth-last-state.json, which docker-machine ignores); from here on that
      // is part of the store the other commands must leave as it is.
      const after = await snapshotTree(store);
      const added = Object.keys(after).filter((key) => !(key in before));
      const lastStates = ['/machines/dm-generic/berth-last-state.json', '/machines/legacy-none/berth-last-state.json'];
      expect(added.sort()).toEqual(lastStates);
      expect(Object.fromEntries(Object.entries(after).filter(([key]) => !added.includes(key)))).toEqual(before);
      before = after;
    });

    it('inspects dm-generic as its config.json plus a newline, and formats a field', async () => {
      const config = await readFile(join(store, 'machines', 'dm-generic', 'config.json'), 'utf8');
      const inspect = await fixtureBerth(['inspect', 'dm-generic']);
      expect(inspect.code, inspect.stderr).toBe(0);
      expect(inspect.stdout).toBe(`${config}\n`);
      // The fixture's inspect output is the original config.json + "\n" in the same way.
      expect(await fixtureOutput('inspect-dm-generic')).toBe(`${await fixtureConfig('dm-generic')}\n`);
      const format = await fixtureBerth(['inspect', '--format', '{{.Driver.IPAddress}}', 'dm-generic']);
      expect(format.code, format.stderr).toBe(0);
      expect(format.stdout).toBe(await fixtureOutput('inspect-format-ipaddress'));
      expect(format.stdout).toBe(`${FIXTURE_IP}\n`);
    });

    it('prints the fixture env, and eval-ing it makes the docker CLI work against the engine', async () => {
      const env = await fixtureBerth(['env', 'dm-generic']);
      expect(env.code, env.stderr).toBe(0);
      const expected = (await fixtureOutput('env-default-shell'))
        .replaceAll(FIXTURE_STORE_PATH, store)
        .replace('eval $(docker-machine env', 'eval $(berth env');
      expect(env.stdout).toBe(expected);

      await assertRouted();
      const version = await bash("eval $(berth env dm-generic) && docker version --format '{{.Server.Version}}'");
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout).toBe(`${engineVersion}\n`);
      await assertRouted();
      const info = await bash('eval $(berth env dm-generic) && docker info');
      expect(info.code, info.stderr).toBe(0);
      expect(info.stdout).toContain(`Server Version: ${engineVersion}`);
      expect(info.stdout).toMatch(/^ Name: dm-generic$/m);
    });

    it('prints the fixture config flags, and `docker $(berth config dm-generic) version` works', async () => {
      const config = await fixtureBerth(['config', 'dm-generic']);
      expect(config.code, config.stderr).toBe(0);
      expect(config.stdout).toBe((await fixtureOutput('config-dm-generic')).replaceAll(FIXTURE_STORE_PATH, store));
      await assertRouted();
      const version = await bash('docker $(berth config dm-generic) version');
      expect(version.code, version.stderr).toBe(0);
      expect(version.stdout).toMatch(
        new RegExp(`^Server:[^]*^ Engine:\\n  Version: +${escapeRegExp(engineVersion)}$`, 'm'),
      );
    });

    it.each([
      ['ip', 'dm-generic'],
      ['ip', 'legacy-none'],
      ['url', 'dm-generic'],
      ['url', 'legacy-none'],
      ['status', 'dm-generic'],
      ['status', 'legacy-none'],
    ])('%s %s prints what docker-machine printed', async (command, name) => {
      const run = await fixtureBerth([command, name]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(await fixtureOutput(`${command}-${name}`));
    });

    it('left every file of the store byte-identical', async () => {
      expect(await snapshotTree(store)).toEqual(before);
      // And the copy differs from the fixture only in the rewritten store path.
      for (const name of ['dm-generic', 'legacy-none']) {
        const copied = await readFile(join(store, 'machines', name, 'config.json'), 'utf8');
        expect(copied).toBe((await fixtureConfig(name)).replaceAll(FIXTURE_STORE_PATH, store));
      }
    });

    it('runs a command over SSH with the fixture key, adding only the host-key pin to the store', async () => {
      const hostname = await fixtureBerth(['ssh', 'dm-generic', '--', 'hostname']);
      expect(hostname.code, hostname.stderr).toBe(0);
      expect(hostname.stdout).toBe('dm-generic\n');
      // The fixture's `ssh dm-generic -- uname -a`, with the kernel of this machine (the host's).
      const uname = await fixtureBerth(['ssh', 'dm-generic', '--', 'uname', '-a']);
      expect(uname.code, uname.stderr).toBe(0);
      const kernel = (await mustRun('uname', ['-r', '-v', '-m'])).trim();
      expect(uname.stdout).toBe(
        (await fixtureOutput('ssh-uname')).replace('6.18.44-fc-v782 #1 SMP PREEMPT_DYNAMIC @0 x86_64', kernel),
      );
      // ssh is not read-only in Berth: it pins the host key on first contact (docker-machine ran
      // OpenSSH with UserKnownHostsFile=/dev/null). That pin is the only change to the store.
      const after = await snapshotTree(store);
      const pinFile = '/machines/dm-generic/known_hosts';
      expect(Object.keys(after).filter((key) => !(key in before))).toEqual([pinFile]);
      expect({ ...after, [pinFile]: undefined }).toEqual({ ...before, [pinFile]: undefined });
      const pin = (await readFile(join(store, pinFile), 'utf8')).trim().split(/\s+/);
      expect(pin[0]).toBe(`[${FIXTURE_IP}]:22`);
      expect(await adopt.mustExec('cat /etc/ssh/ssh_host_*_key.pub')).toContain(`${pin[1]} ${pin[2]}`);
    });
  });

  describe("a machine Berth creates is in docker-machine's config.json schema", () => {
    async function compare(name: string, fixtureName: string, environment: Array<[string, string]>) {
      const path = join(berthStore, 'machines', name, 'config.json');
      const text = await readFile(path, 'utf8');
      const fixture = await fixtureConfig(fixtureName);
      // Go's json.MarshalIndent with four spaces, and no trailing newline, in both.
      expect(fixture).toBe(JSON.stringify(JSON.parse(fixture), null, 4));
      expect(text.endsWith('}')).toBe(true);
      expect(text).toBe(JSON.stringify(JSON.parse(text), null, 4));
      // The same keys, in the same order, with the same JSON types (null vs [] as Go writes them).
      expect(jsonShape(JSON.parse(text))).toEqual(jsonShape(JSON.parse(fixture)));
      // And the same values, where this environment does not differ from the fixture's.
      let expected = fixture;
      for (const [from, to] of environment) expected = expected.replaceAll(from, to);
      expect(text).toBe(expected);
      expect(((await stat(path)).mode & 0o777).toString(8)).toBe('600');
    }

    it('writes a generic machine like docker-machine wrote dm-generic', async () => {
      await berthOk(berthStore, [
        'create',
        '-d',
        'generic',
        '--generic-ip-address',
        base.address,
        '--generic-ssh-key',
        base.privateKeyPath,
        '--engine-install-url',
        session.installScriptUrl,
        '--engine-label',
        'env=test',
        '--engine-opt',
        'log-level=warn',
        '--engine-env',
        'HTTP_PROXY=http://127.0.0.1:3128',
        '--tls-san',
        'legacy.example.test',
        'dm-generic',
      ]);
      await compare('dm-generic', 'dm-generic', [
        [FIXTURE_STORE_PATH, berthStore],
        [`"IPAddress": "${FIXTURE_IP}"`, `"IPAddress": "${base.address}"`],
        ['/home/dmuser/keys/id_rsa', base.privateKeyPath],
        ['https://get.docker.com', session.installScriptUrl],
      ]);
    });

    it('writes a none machine like docker-machine wrote legacy-none', async () => {
      await berthOk(berthStore, [
        'create',
        '-d',
        'none',
        '--url',
        `tcp://127.0.0.1:${LEGACY_NONE_PORT}`,
        'legacy-none',
      ]);
      await compare('legacy-none', 'legacy-none', [[FIXTURE_STORE_PATH, berthStore]]);
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
