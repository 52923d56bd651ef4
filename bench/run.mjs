#!/usr/bin/env node
// Berth's performance figures, as one table: `npm run bench` (after `npm run build`).
//
// Everything runs against real test hosts of @berth/test-kit (Debian 12, systemd, sshd) on the
// local Docker engine, with a temporary store; all of it is removed at the end, on failure too.
// Network traffic goes only to those hosts and to a tarpit on 127.0.0.1.
//
// Options (environment): BENCH_RUNS (quick commands, default 10), BENCH_LS_RUNS (default 5),
// BENCH_CREATE_RUNS (fresh hosts provisioned by `create`, default 2), BENCH_REGEN_RUNS (default 3).
// Ratios (quick commands against `node -e ''`, docker-machine against berth) compare runs made
// in turn, one of each, so a busy machine slows both sides alike.
// BENCH_HV_MACHINES and BENCH_HV_LS_RUNS (bench/hypervisors.mjs: ls of 50 VirtualBox and Hyper-V machines).
// BENCH_ONLY=commands: only the side-by-side rows of `ls` and of the one-machine commands (one
// generic machine on one test host), for a quick look; `npm run bench` without it runs everything.
// Exit status: 0 all targets met, 2 a target missed, 1 the bench itself failed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BERTH = join(ROOT, 'packages/cli/bin/run.cjs');
// The real docker-machine 0.16.2, run side by side with berth on the same stores.
const DOCKER_MACHINE = join(ROOT, '..', 'shared', 'bin', 'docker-machine');
const TIME = '/usr/bin/time';
const RUNS = intEnv('BENCH_RUNS', 10);
const LS_RUNS = intEnv('BENCH_LS_RUNS', 5);
const CREATE_RUNS = intEnv('BENCH_CREATE_RUNS', 2);
const REGEN_RUNS = intEnv('BENCH_REGEN_RUNS', 3);
const ONLY = process.env.BENCH_ONLY ?? '';
if (ONLY !== '' && ONLY !== 'commands') {
  process.stderr.write(`bench: BENCH_ONLY=${ONLY} is not known; use BENCH_ONLY=commands or leave it unset\n`);
  process.exit(1);
}
const STORE_SIZES = [1, 50, 200];
const SAMPLE_MS = 20;
let runCounter = 0;

function intEnv(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// ---------------------------------------------------------------- prerequisites

function ensurePrerequisites() {
  if (!existsSync(join(ROOT, 'packages/cli/dist/bundle/berth.js'))) {
    throw new Error('Berth is not built: run `npm run build` first.');
  }
  if (!existsSync(TIME)) {
    log('installing GNU time (apt-get install time)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let result = spawnSync('apt-get', ['install', '-y', '-q', 'time'], { env, stdio: 'ignore' });
    if (result.status !== 0) {
      spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
      result = spawnSync('apt-get', ['install', '-y', '-q', 'time'], { env, stdio: 'ignore' });
    }
    if (result.status !== 0 || !existsSync(TIME)) throw new Error('could not install GNU time (apt-get install time)');
  }
}

// ---------------------------------------------------------------- running berth

/**
 * Runs berth once, under GNU time; resolves with its wall time (measured here), CPU time and peak
 * RSS (from the kernel: user + system of berth and the drivers it reaped; the largest single
 * process's peak) and output. With `sample`, also polls /proc every SAMPLE_MS for the berth process
 * tree: peak summed RSS, and the driver processes it started.
 */
function berth(
  args,
  { store, sample = false, timeoutMs = 600_000, unset = [], extraEnv = {}, command = [process.execPath, BERTH] } = {},
) {
  const env = { ...process.env, MACHINE_STORAGE_PATH: store, ...extraEnv };
  for (const name of ['DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', ...unset]) delete env[name];
  runCounter += 1;
  const timeFile = join(tmpdir(), `berth-bench-time-${process.pid}-${runCounter}`);
  const argv = ['-f', '%U %S %M', '-o', timeFile, ...command, ...args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(TIME, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    // The root is `time` itself: only its descendants count.
    const sampler = sample ? startSampler(child.pid, true) : undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      sampler?.stop();
      reject(error);
    });
    child.on('close', async (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      const tree = sampler?.stop();
      const timeOut = await readFile(timeFile, 'utf8').catch(() => '');
      await rm(timeFile, { force: true });
      // The last line: GNU time puts "Command exited with non-zero status" lines before it.
      const [user, system, maxRssKb] = (timeOut.trim().split('\n').pop() ?? '').split(' ').map(Number);
      resolve({
        args,
        code: code ?? (signal ? 128 : 1),
        ms,
        cpuMs: ((user ?? 0) + (system ?? 0)) * 1000,
        maxRssKb,
        stdout,
        stderr,
        peakTreeKb: tree?.peakKb,
        drivers: tree?.drivers,
      });
    });
  });
}

async function mustBerth(args, options) {
  const result = await berth(args, options);
  if (result.code !== 0) {
    const what = options?.command ? options.command.at(-1) : 'berth';
    throw new Error(`${what} ${args.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result;
}

/** Polls /proc: summed VmRSS of `rootPid` and its descendants, and which of them are drivers. */
function startSampler(rootPid, skipRoot = false) {
  const drivers = new Map();
  let peakKb = 0;
  let stopped = false;
  const readText = async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return '';
    }
  };
  const descendants = async (pid, into) => {
    into.push(pid);
    const children = (await readText(`/proc/${pid}/task/${pid}/children`)).split(' ').filter(Boolean);
    for (const child of children) await descendants(Number(child), into);
    return into;
  };
  const sampleOnce = async () => {
    const pids = await descendants(rootPid, []);
    let totalKb = 0;
    for (const pid of skipRoot ? pids.slice(1) : pids) {
      const status = await readText(`/proc/${pid}/status`);
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
      if (match) totalKb += Number(match[1]);
      if (!drivers.has(pid)) {
        const cmdline = (await readText(`/proc/${pid}/cmdline`)).split('\0');
        const driver = cmdline.map((arg) => /berth-driver-([\w-]+?)(?:\.js)?$/.exec(arg)?.[1]).find(Boolean);
        if (driver) drivers.set(pid, driver);
      }
    }
    peakKb = Math.max(peakKb, totalKb);
  };
  const loop = (async () => {
    while (!stopped) {
      await sampleOnce();
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  return {
    stop() {
      stopped = true;
      loop.catch(() => undefined);
      return { peakKb, drivers: [...drivers.values()] };
    },
  };
}

/**
 * Runs each of `commands` (`{ args, command?, unset? }`, berth by default) once per round, in turn,
 * `runs` rounds: per command the median wall and CPU time, so that ratios between them compare
 * runs made side by side.
 */
async function timeSideBySide(commands, store, runs) {
  const results = commands.map(() => []);
  for (let i = 0; i < runs; i += 1) {
    for (const [j, { args, ...options }] of commands.entries()) {
      results[j].push(await mustBerth(args, { ...options, store }));
    }
  }
  return results.map(medians);
}

/** `node -e ''` under GNU time, as a command for timeSideBySide: Node's start-up alone. */
const BARE_NODE = { args: ['-e', ''], command: [process.execPath] };

/** `2.41×`: how many times `a` took as long as `b`. */
const times = (a, b) => `${(a / b).toFixed(2)}×`;

/** Runs berth `runs` times: the median wall time and the median CPU time. */
async function timeRuns(args, store, runs, options = {}) {
  const results = [];
  for (let i = 0; i < runs; i += 1) results.push(await mustBerth(args, { ...options, store }));
  return { wall: median(results.map((r) => r.ms)), cpu: median(results.map((r) => r.cpuMs)) };
}

// ---------------------------------------------------------------- numbers and the table

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s`;
const megabytes = (kb) => `${(kb / 1024).toFixed(1)} MB`;
const medians = (runs) => ({ wall: median(runs.map((r) => r.ms)), cpu: median(runs.map((r) => r.cpuMs)) });
/** `0.512 s (CPU 0.70 s)`: CPU is user + system time of berth and its drivers. */
const timing = ({ wall, cpu }) => `${seconds(wall)} (CPU ${(cpu / 1000).toFixed(2)} s)`;
/** `['none', 'generic', 'none']` → `2 none, 1 generic`. */
function countDrivers(names) {
  const counts = new Map();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${n} ${name}`).join(', ') || '0';
}

const rows = [];
function row(metric, value, target = '', ok = undefined) {
  rows.push({ metric, value, target, ok: ok === undefined ? '' : ok ? 'yes' : 'NO' });
}

function printTable() {
  const head = { metric: 'metric', value: 'value', target: 'target', ok: 'ok?' };
  const cols = Object.keys(head);
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => String(r[c]).length))]));
  const line = (r) => `| ${cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ')} |`;
  const rule = `|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`;
  process.stdout.write(`${[line(head), rule, ...rows.map(line)].join('\n')}\n`);
}

// ---------------------------------------------------------------- the host side

/**
 * Successful SSH logins on the host: sshd's `Accepted publickey ...` (any `Accepted`) lines in its
 * journal. Read with `docker exec`, so counting is not a login itself and needs no subtracting.
 */
async function sshLogins(docker, host) {
  const out = await docker([
    'exec',
    host.name,
    'sh',
    '-c',
    'journalctl --sync 2>/dev/null; journalctl -u ssh -o cat --no-pager | grep -c "^Accepted " || true',
  ]);
  return Number(out.trim());
}

async function withSshCount(docker, host, work) {
  const before = await sshLogins(docker, host);
  const result = await work();
  return { result, connections: (await sshLogins(docker, host)) - before };
}

/** A port on 127.0.0.1 that nothing listens on: connections to it are refused (a dead engine). */
async function refusedPort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts TCP connections on 127.0.0.1 and never answers: an engine that hangs. */
async function startTarpit() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A store of `count` none machines: certs copied from `fromStore` (same CA, so the live engine
 * trusts its client cert), one machine made by `berth create -d none`, the rest cloned from its
 * config.json. Odd-numbered machines use `liveUrl`, even-numbered ones `deadUrl`.
 */
async function makeNoneStore(dir, fromStore, count, liveUrl, deadUrl) {
  await mkdir(join(dir, 'certs'), { recursive: true, mode: 0o700 });
  for (const file of await readdir(join(fromStore, 'certs'))) {
    await copyFile(join(fromStore, 'certs', file), join(dir, 'certs', file));
  }
  const first = 'm001';
  await mustBerth(['create', '-d', 'none', '--url', liveUrl, first], { store: dir });
  const template = await readFile(join(dir, 'machines', first, 'config.json'), 'utf8');
  const hostPort = (url) => url.replace(/^tcp:\/\//, '');
  for (let i = 2; i <= count; i += 1) {
    const name = `m${String(i).padStart(3, '0')}`;
    const url = i % 2 === 1 ? liveUrl : deadUrl;
    const config = JSON.parse(template.replaceAll(`/machines/${first}`, `/machines/${name}`));
    config.Name = name;
    config.Driver.MachineName = name;
    config.Driver.URL = url;
    config.Driver.IPAddress = hostPort(url);
    await mkdir(join(dir, 'machines', name), { mode: 0o700 });
    await writeFile(join(dir, 'machines', name, 'config.json'), JSON.stringify(config, null, 4), { mode: 0o600 });
  }
}

// ---------------------------------------------------------------- the bench

async function bench(session, docker, work) {
  const store = join(work, 'store');
  await mkdir(store, { mode: 0o700 });
  if (ONLY === 'commands') return benchCommandsOnly(session, store, work);
  log(`starting ${CREATE_RUNS} test host(s)...`);
  const hosts = await session.startHosts(CREATE_RUNS);

  // create: wall time, SSH logins on the host, driver processes.
  const creates = [];
  for (const [index, host] of hosts.entries()) {
    const name = `gen${index + 1}`;
    log(`create ${name} on ${host.address}...`);
    const args = ['create', '-d', 'generic', '--generic-ip-address', host.address];
    args.push('--generic-ssh-key', host.privateKeyPath, '--engine-install-url', session.installScriptUrl, name);
    const { result, connections } = await withSshCount(docker, host, () => mustBerth(args, { store, sample: true }));
    creates.push({ ms: result.ms, cpuMs: result.cpuMs, connections, drivers: result.drivers });
  }
  const machineHost = hosts[0];
  const liveUrl = `tcp://${machineHost.address}:2376`;
  row('create (generic, fresh host): wall time', timing(medians(creates)));
  const createSsh = Math.max(...creates.map((c) => c.connections));
  row('create: SSH connections per run', `${creates.map((c) => c.connections).join(', ')}`, '1', createSsh === 1);
  const createDrivers = creates.map((c) => c.drivers.length);
  row(
    'create: driver processes spawned (built-ins run in berth)',
    countDrivers(creates[0].drivers),
    '0',
    Math.max(...createDrivers) === 0,
  );

  const regens = [];
  for (let i = 0; i < REGEN_RUNS; i += 1) {
    log(`regenerate-certs -f gen1 (${i + 1}/${REGEN_RUNS})...`);
    const run = () => mustBerth(['regenerate-certs', '-f', 'gen1'], { store, sample: true });
    const { result, connections } = await withSshCount(docker, machineHost, run);
    regens.push({ ms: result.ms, cpuMs: result.cpuMs, connections, drivers: result.drivers });
  }
  row('regenerate-certs -f: wall time', timing(medians(regens)));
  const regenSsh = Math.max(...regens.map((r) => r.connections));
  row('regenerate-certs -f: SSH connections per run', regens.map((r) => r.connections).join(', '), '1', regenSsh === 1);

  // ls over stores of none machines: half at the engine of gen1, half at a tarpit.
  const tarpit = await startTarpit();
  try {
    const deadUrl = `tcp://127.0.0.1:${tarpit.port}`;
    for (const size of STORE_SIZES) {
      const dir = join(work, `ls-${size}`);
      log(`ls: store of ${size} none machine(s)...`);
      await makeNoneStore(dir, store, size, liveUrl, deadUrl);
      const args = ['ls', '--timeout', '1'];
      const check = await mustBerth(args, { store: dir, sample: true });
      // Rows after the header; a Timeout row ends in padding, so match words, not spaces around them.
      const lines = check.stdout.split('\n').slice(1);
      const live = lines.filter((l) => / Running .* v\d/.test(l)).length;
      const dead = lines.filter((l) => /\sTimeout\b/.test(l)).length;
      const times = await timeRuns(args, dir, LS_RUNS);
      const [target, ok] = size === 200 ? ['< 1.5 s', times.wall < 1500] : ['', undefined];
      row(`ls --timeout 1, ${size} machine(s): wall time`, timing(times), target, ok);
      const liveWant = Math.ceil(size / 2);
      const deadWant = size - liveWant;
      row(
        `ls ${size}: rows Running+version / Timeout`,
        `${live} / ${dead}`,
        `${liveWant} / ${deadWant}`,
        live === liveWant && dead === deadWant,
      );
      row(`ls ${size}: peak RSS, berth process`, megabytes(check.maxRssKb));
      row(`ls ${size}: peak RSS, berth + drivers (sampled)`, megabytes(check.peakTreeKb));
      if (size === 200) {
        const [ours, theirs] = await timeSideBySide([{ args }, { args, command: [DOCKER_MACHINE] }], dir, LS_RUNS);
        row(`ls --timeout 1, ${size} (tarpit): docker-machine, same store`, timing(theirs));
        row(`ls --timeout 1, ${size} (tarpit): docker-machine / berth`, times(theirs.wall, ours.wall));
        await driverProcessRows(`ls ${size} (none only)`, args, dir, ['none']);
        const isolated = await timeRuns(args, dir, LS_RUNS, { extraEnv: ISOLATED });
        row(`ls --timeout 1, ${size} machine(s), driver as a process: wall time`, timing(isolated));
      }
    }

    await lsDeadPortRows(work, store, liveUrl);

    // A store with both drivers: the generic machines plus one none machine.
    await mustBerth(['create', '-d', 'none', '--url', liveUrl, 'plain'], { store });
    await driverProcessRows('ls, generic + none store', ['ls', '--timeout', '1'], store, ['generic', 'none']);
  } finally {
    await tarpit.close();
  }

  // The commands about one machine, against gen1, each beside a bare Node start.
  await quickCommandRows(store, 'gen1');
  const env = ['env', 'gen1'];
  const envTimes = await timeRuns(env, store, RUNS);
  row('env gen1: wall time', timing(envTimes), '< 0.250 s', envTimes.wall < 250);
  await driverProcessRows('env gen1', env, store, ['generic']);
  row('env gen1, driver as a process: wall time', timing(await timeRuns(env, store, RUNS, { extraEnv: ISOLATED })));
}

/** BENCH_ONLY=commands: one generic machine, then the side-by-side `ls` and one-machine rows. */
async function benchCommandsOnly(session, store, work) {
  log('starting 1 test host...');
  const [host] = await session.startHosts(1);
  log(`create gen1 on ${host.address}...`);
  const args = ['create', '-d', 'generic', '--generic-ip-address', host.address];
  args.push('--generic-ssh-key', host.privateKeyPath, '--engine-install-url', session.installScriptUrl, 'gen1');
  await mustBerth(args, { store });
  await lsDeadPortRows(work, store, `tcp://${host.address}:2376`);
  await quickCommandRows(store, 'gen1');
}

/**
 * The issue's `ls`: 200 none machines, half on the live TLS engine and half on a port that refuses
 * connections, listed by berth and by docker-machine in turn on the same store. `ls -q` too.
 */
async function lsDeadPortRows(work, fromStore, liveUrl) {
  const size = 200;
  const dir = join(work, `ls-${size}-refused`);
  log(`ls: store of ${size} none machines, half on a refused port, berth and docker-machine...`);
  await makeNoneStore(dir, fromStore, size, liveUrl, `tcp://127.0.0.1:${await refusedPort()}`);
  const label = `ls, ${size} (half on a refused port)`;
  const args = ['ls', '--timeout', '1'];
  const check = await mustBerth(args, { store: dir });
  const lines = check.stdout.split('\n').slice(1);
  const live = lines.filter((l) => / Running .* v\d/.test(l)).length;
  const dead = lines.filter((l) => /Cannot connect to the docker engine endpoint/.test(l)).length;
  row(
    `${label}: rows Running+version / cannot connect`,
    `${live} / ${dead}`,
    '100 / 100',
    live === 100 && dead === 100,
  );
  const dm = { command: [DOCKER_MACHINE] };
  const [ours, theirs] = await timeSideBySide([{ args }, { args, ...dm }], dir, LS_RUNS);
  row(`${label}: berth`, timing(ours), '≤ 0.500 s', ours.wall <= 500);
  row(`${label}: docker-machine`, timing(theirs));
  row(`${label}: docker-machine / berth`, times(theirs.wall, ours.wall), '≥ 8×', theirs.wall >= 8 * ours.wall);
  const quiet = ['ls', '-q'];
  const [oursQ, theirsQ] = await timeSideBySide([{ args: quiet }, { args: quiet, ...dm }], dir, LS_RUNS);
  row(`ls -q, ${size}: berth`, timing(oursQ));
  row(`ls -q, ${size}: docker-machine`, timing(theirsQ));
  row(`ls -q, ${size}: docker-machine / berth`, times(theirsQ.wall, oursQ.wall));
}

/**
 * The commands about one machine, each against `node -e ''` run in turn with it (wall-time ratio,
 * target 1.3×), in the environment as it is and, when NODE_EXTRA_CA_CERTS is set, without it too:
 * Node reads that CA bundle at every start, so both floors matter.
 */
async function quickCommandRows(store, machine) {
  const commands = [
    ['ip', machine],
    ['env', machine],
    ['config', machine],
    ['url', machine],
    ['status', machine],
    ['inspect', machine],
    ['version', machine],
  ];
  const floors = await floorPrograms(store, machine);
  const environments = [{ label: process.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS set' : 'as run', unset: [] }];
  if (process.env.NODE_EXTRA_CA_CERTS)
    environments.push({ label: 'without NODE_EXTRA_CA_CERTS', unset: ['NODE_EXTRA_CA_CERTS'] });
  for (const { label, unset } of environments) {
    for (const args of commands) await mustBerth(args, { store, unset }); // warm-up; a failure fails the bench
    for (const { run, same } of floors) {
      // A floor does the command's work: it prints what the command prints.
      const [ours, floor] = [
        await mustBerth(same, { store, unset }),
        await mustBerth(run.args, { ...run, store, unset }),
      ];
      if (floor.stdout !== ours.stdout) {
        throw new Error(
          `floor of \`${same.join(' ')}\` printed ${JSON.stringify(floor.stdout)}, not ${JSON.stringify(ours.stdout)}`,
        );
      }
    }
    log(`${commands.length} one-machine commands against node -e '', ${label}, x ${RUNS}...`);
    const timed = await timeSideBySide(
      [
        { ...BARE_NODE, unset },
        ...floors.map(({ run }) => ({ ...run, unset })),
        ...commands.map((args) => ({ args, unset })),
        { args: ['version'], unset },
      ],
      store,
      RUNS,
    );
    const [bare, ...afterBare] = timed;
    const rest = afterBare.slice(floors.length);
    row(`node -e '' (${label})`, timing(bare));
    for (const [i, { label: floor }] of floors.entries()) {
      const measured = afterBare[i];
      row(`floor: ${floor} (${label})`, `${timing(measured)}, ${times(measured.wall, bare.wall)}`);
    }
    for (const [i, args] of [...commands, ['version']].entries()) {
      const ratio = rest[i].wall / bare.wall;
      const targeted = i < commands.length;
      // Against the floor of the work it does: a TLS handshake for env, config and version gen1.
      const tls = TLS_COMMANDS.has(args[0]) && args.length > 1;
      const floor = afterBare[floors.findIndex((candidate) => candidate.tls === tls)];
      row(
        `${args.join(' ')} (${label}): wall, × node -e '' (CPU ×; × its floor)`,
        `${timing(rest[i])}, ${ratio.toFixed(2)}× (CPU ${times(rest[i].cpu, bare.cpu)}; ${times(rest[i].wall, floor.wall)})`,
        targeted ? '≤ 1.30×' : '',
        targeted ? ratio <= 1.3 : undefined,
      );
    }
  }
}

/** The one-machine commands that open a TLS connection to the engine (env and config check its certificates). */
const TLS_COMMANDS = new Set(['env', 'config', 'version']);

/**
 * The least a Node program does for those commands (bench/floors/), timed in the same rounds: how
 * far above `node -e ''` any Node implementation must be. The engine's address is the machine's
 * own, from its config.json.
 */
async function floorPrograms(store, machine) {
  const dir = join(store, 'machines', machine);
  const { Driver } = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  const floor = (file, args) => ({ command: [process.execPath, join(ROOT, 'bench/floors', file)], args });
  return [
    {
      label: 'store-read.cjs, config.json read (the least `ip` needs)',
      run: floor('store-read.cjs', [store, machine]),
      same: ['ip', machine],
      tls: false,
    },
    {
      label: 'engine-version.cjs, one TLS request (the least `version` needs; env and config need its handshake)',
      run: floor('engine-version.cjs', [dir, Driver.IPAddress, String(Driver.EnginePort)]),
      same: ['version', machine],
      tls: true,
    },
  ];
}

/** Built-in drivers run as their own processes, as third-party drivers always do. */
const ISOLATED = { BERTH_ISOLATE_DRIVERS: '1' };

/**
 * Driver processes one command starts: none by default (built-ins are served in berth's process),
 * and exactly one per driver it needs (`want`) when they run as processes.
 */
async function driverProcessRows(label, args, store, want) {
  const inProcess = await mustBerth(args, { store, sample: true });
  row(`${label}: driver processes spawned`, countDrivers(inProcess.drivers), '0', inProcess.drivers.length === 0);
  const isolated = await mustBerth(args, { store, sample: true, extraEnv: ISOLATED });
  const got = [...isolated.drivers].sort();
  const ok = got.length === want.length && got.every((driver, i) => driver === want[i]);
  row(
    `${label}, drivers as processes: driver processes spawned`,
    countDrivers(got),
    want.map((d) => `1 ${d}`).join(', '),
    ok,
  );
}

async function main() {
  ensurePrerequisites();
  const { TestSession, docker } = await import('@berth/test-kit');
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-'));
  let session;
  let cleaning;
  const cleanup = () => {
    cleaning ??= (async () => {
      await session?.clean().catch((error) => log(`cleanup: ${error.message}`));
      await rm(work, { recursive: true, force: true });
    })();
    return cleaning;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: cleaning up...`);
      void cleanup().then(() => process.exit(130));
    });
  }
  const started = Date.now();
  let busiest = loadavg()[0];
  const loadWatch = setInterval(() => {
    busiest = Math.max(busiest, loadavg()[0]);
  }, 5_000).unref();
  try {
    log('preparing the test session (engine, images)...');
    session = await TestSession.create(log);
    await bench(session, docker, work);
    if (ONLY !== 'commands') await benchTheRest(session, work);
  } finally {
    log('cleaning up...');
    await cleanup();
  }
  return finish(started, busiest, loadWatch);
}

/** The cloud drivers, qemu and the hypervisor simulators. */
async function benchTheRest(session, work) {
  // The cloud drivers against their simulators (create/rm per driver, ls of 100 EC2 machines).
  const { benchDigitalOcean } = await import('./digitalocean.mjs');
  for (const r of await benchDigitalOcean({ session, runs: CREATE_RUNS, log })) row(r.metric, r.value, r.target, r.ok);
  const { benchAmazonEc2 } = await import('./amazonec2.mjs');
  for (const r of await benchAmazonEc2({ session, work, log })) row(r.metric, r.value, r.target, r.ok);
  // A local VM under qemu (TCG here) and the image download against curl.
  const { benchQemu } = await import('./qemu.mjs');
  for (const r of await benchQemu({ log })) row(r.metric, r.value, r.target, r.ok);
  // ls of 50 VirtualBox and 50 Hyper-V machines against the simulators: the tool's processes.
  const { benchHypervisors } = await import('./hypervisors.mjs');
  for (const r of await benchHypervisors({ work, log })) row(r.metric, r.value, r.target, r.ok);
}

/** Prints the table (and writes .bench/last.json); 0 when every target was met, 2 otherwise. */
async function finish(started, busiestSoFar, loadWatch) {
  let busiest = busiestSoFar;
  const cores = cpus().length;
  const load = loadavg().map((l) => l.toFixed(2));
  process.stdout.write(
    `\nBerth bench: ${cores} CPU(s), load average ${load.join(' ')} at the end, Node ${process.version}` +
      `${process.env.NODE_EXTRA_CA_CERTS ? ', NODE_EXTRA_CA_CERTS set' : ''}; took ${seconds(Date.now() - started)}.\n` +
      `Medians of ${RUNS} runs per quick command, ${LS_RUNS} per ls, ${CREATE_RUNS} creates on fresh hosts, ` +
      `${REGEN_RUNS} regenerate-certs. CPU: user + system time of berth and its drivers.\n\n`,
  );
  clearInterval(loadWatch);
  busiest = Math.max(busiest, loadavg()[0]);
  if (busiest > cores) {
    process.stdout.write(
      `Warning: the machine was busy (1-minute load average up to ${busiest.toFixed(1)} on ${cores} CPUs): ` +
        'wall times are inflated by waiting for a CPU; the CPU times are the steadier figures.\n\n',
    );
  }
  printTable();
  await mkdir(join(ROOT, '.bench'), { recursive: true });
  await writeFile(join(ROOT, '.bench', 'last.json'), `${JSON.stringify({ at: new Date(), rows }, null, 2)}\n`);
  const missed = rows.filter((r) => r.ok === 'NO').length;
  const targets = rows.filter((r) => r.ok !== '').length;
  process.stdout.write(`\n${targets - missed} of ${targets} targets met.\n`);
  return missed === 0 ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  },
);
