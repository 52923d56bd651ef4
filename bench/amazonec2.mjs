#!/usr/bin/env node
// The amazonec2 driver's figures against the EC2 simulator of @berth/test-kit (never AWS):
// `create` and `rm -y` wall time and API calls (instances are real test hosts), and `ls` of a
// store of 100 EC2 machines with the API calls it makes (one DescribeInstances is the target).
//
// Two ways to run it (after `npm run build`):
//   node bench/amazonec2.mjs                 standalone: own test session, prints a table
//   import { benchAmazonEc2 } from './amazonec2.mjs';
//   for (const r of await benchAmazonEc2({ session, work, log })) row(r.metric, r.value, r.target, r.ok);
//
// Options (environment): BENCH_EC2_CREATE_RUNS (default 2), BENCH_EC2_LS_RUNS (default 5),
// BENCH_EC2_MACHINES (default 100). Exit status when standalone: 0 all targets met, 2 a target
// missed, 1 the bench itself failed.

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BERTH = join(ROOT, 'packages/cli/bin/run.cjs');

function intEnv(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Environment of every berth run: the simulator's credentials and no road to AWS. */
function ec2Env(sim, store) {
  const env = {
    ...process.env,
    MACHINE_STORAGE_PATH: store,
    AWS_ACCESS_KEY_ID: sim.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sim.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  for (const name of ['AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_SESSION_TOKEN', 'DOCKER_HOST']) {
    delete env[name];
  }
  return env;
}

function berth(args, env, onSpawn = undefined) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [BERTH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 });
    });
  });
}

async function mustBerth(args, env, onSpawn = undefined) {
  const result = await berth(args, env, onSpawn);
  if (result.code !== 0) throw new Error(`berth ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result;
}

/** The parent pid of every process (from /proc). */
async function parents() {
  const result = new Map();
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat) result.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  return result;
}

/** Runs berth and samples /proc meanwhile: the driver processes it started (its descendants). */
async function berthWithDrivers(args, env) {
  const seen = new Map();
  let root;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      if (root) {
        const tree = await parents();
        for (const [pid] of tree) {
          let at = pid;
          while (at > 1 && at !== root && tree.has(at)) at = tree.get(at);
          if (at !== root || pid === root) continue;
          const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          const match = /berth-driver-([a-z0-9_-]+)/.exec(cmd);
          if (match) seen.set(pid, match[1]);
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await mustBerth(args, env, (pid) => {
      root = pid;
    });
    return { result, drivers: [...seen.values()] };
  } finally {
    done = true;
    await sampler;
  }
}

/**
 * Runs the amazonec2 bench with a test session the caller owns (bench/run.mjs passes its own) and
 * returns rows `{metric, value, target, ok}` (`ok` undefined when there is no target).
 */
export async function benchAmazonEc2({ session, work, log = (line) => process.stderr.write(`[bench:ec2] ${line}\n`) }) {
  const { Ec2Simulator } = await import('@berth/test-kit');
  const createRuns = intEnv('BENCH_EC2_CREATE_RUNS', 2);
  const lsRuns = intEnv('BENCH_EC2_LS_RUNS', 5);
  const machines = intEnv('BENCH_EC2_MACHINES', 100);
  const rows = [];
  const row = (metric, value, target = '', ok = undefined) => rows.push({ metric, value, target, ok });
  const sim = await Ec2Simulator.start({ session });
  const store = join(work, 'ec2-store');
  await mkdir(store, { recursive: true, mode: 0o700 });
  const env = ec2Env(sim, store);
  try {
    // create / rm against real test hosts behind the simulator.
    const creates = [];
    const removes = [];
    let driverConfig;
    for (let i = 1; i <= createRuns; i += 1) {
      const name = `ec2-${i}`;
      log(`create ${name}...`);
      const from = sim.lastCallIndex;
      const args = ['create', '-d', 'amazonec2', '--amazonec2-endpoint', sim.endpoint];
      args.push('--engine-install-url', session.installScriptUrl, name);
      const created = await mustBerth(args, env);
      creates.push({ ms: created.ms, calls: sim.count(undefined, from) });
      driverConfig ??= JSON.parse(await readFile(join(store, 'machines', name, 'config.json'), 'utf8')).Driver;
      log(`rm ${name}...`);
      const before = sim.lastCallIndex;
      const removed = await mustBerth(['rm', '-y', name], env);
      removes.push({ ms: removed.ms, calls: sim.count(undefined, before) });
    }
    const left = await sim.leftovers();
    const leftCount = Object.values(left).reduce((n, list) => n + list.length, 0);
    row('amazonec2 create (simulator, fresh host): wall time', seconds(median(creates.map((c) => c.ms))));
    row('amazonec2 create: EC2/SSM API calls', creates.map((c) => c.calls).join(', '));
    row('amazonec2 rm -y: wall time', seconds(median(removes.map((r) => r.ms))));
    row('amazonec2 rm -y: API calls', removes.map((r) => r.calls).join(', '));
    row('amazonec2 after rm: resources left in EC2', String(leftCount), '0', leftCount === 0);

    // ls of a store of EC2 machines: configs written directly, instances seeded (half running).
    log(`ls: store of ${machines} EC2 machine(s)...`);
    const lsStore = join(work, 'ec2-ls-store');
    await mkdir(lsStore, { recursive: true, mode: 0o700 });
    const lsEnv = ec2Env(sim, lsStore);
    await mustBerth(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:1', 'template-none'], lsEnv);
    const template = await readFile(join(lsStore, 'machines', 'template-none', 'config.json'), 'utf8');
    await mustBerth(['rm', '-y', 'template-none'], lsEnv);
    for (let i = 1; i <= machines; i += 1) {
      const name = `e${String(i).padStart(3, '0')}`;
      const instance = await sim.seedInstance({ state: i % 2 === 0 ? 'stopped' : 'running' });
      const config = JSON.parse(template.replaceAll('/machines/template-none', `/machines/${name}`));
      config.Name = name;
      config.DriverName = 'amazonec2';
      config.Driver = { ...driverConfig, MachineName: name, InstanceId: instance.instanceId, StorePath: lsStore };
      await mkdir(join(lsStore, 'machines', name), { mode: 0o700 });
      await writeFile(join(lsStore, 'machines', name, 'config.json'), JSON.stringify(config, null, 4), { mode: 0o600 });
    }
    const times = [];
    const calls = [];
    const describes = [];
    let drivers = [];
    let rowsOk = true;
    for (let i = 0; i < lsRuns; i += 1) {
      const from = sim.lastCallIndex;
      const sampled = await berthWithDrivers(['ls', '--timeout', '5'], lsEnv);
      times.push(sampled.result.ms);
      calls.push(sim.count(undefined, from));
      describes.push(sim.count('DescribeInstances', from));
      drivers = sampled.drivers;
      const lines = sampled.result.stdout.trim().split('\n').slice(1);
      const stopped = lines.filter((l) => /\samazonec2\s+Stopped\s/.test(l)).length;
      rowsOk &&= lines.length === machines && stopped === Math.floor(machines / 2);
    }
    row(`amazonec2 ls, ${machines} machines: wall time`, seconds(median(times)));
    row(
      `amazonec2 ls ${machines}: API calls per ls (DescribeInstances)`,
      `${calls.join(', ')} (${describes.join(', ')})`,
      '1 (1)',
      calls.every((n) => n === 1) && describes.every((n) => n === 1),
    );
    row(`amazonec2 ls ${machines}: rows and states right`, rowsOk ? 'yes' : 'no', 'yes', rowsOk);
    row(
      `amazonec2 ls ${machines}: driver processes (built-ins run in berth)`,
      String(drivers.length),
      '0',
      drivers.length === 0,
    );
    const isolated = await berthWithDrivers(['ls', '--timeout', '5'], { ...lsEnv, BERTH_ISOLATE_DRIVERS: '1' });
    const spawned = isolated.drivers.length;
    row(`amazonec2 ls ${machines}, drivers as processes: driver processes`, String(spawned), '1', spawned === 1);
    row(`amazonec2 ls ${machines}, drivers as processes: wall time`, seconds(isolated.result.ms));
  } finally {
    await sim.close();
  }
  return rows;
}

async function main() {
  const { TestSession } = await import('@berth/test-kit');
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-ec2-'));
  let session;
  const cleanup = async () => {
    await session?.clean().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanup().then(() => process.exit(130)));
  let rows;
  try {
    session = await TestSession.create((line) => process.stderr.write(`[bench:ec2] ${line}\n`));
    rows = await benchAmazonEc2({ session, work });
  } finally {
    await cleanup();
  }
  const width = Math.max(...rows.map((r) => r.metric.length));
  const valueWidth = Math.max(5, ...rows.map((r) => String(r.value).length));
  const targetWidth = Math.max(6, ...rows.map((r) => String(r.target).length));
  const line = (metric, value, target, ok) =>
    `${metric.padEnd(width)}  ${String(value).padEnd(valueWidth)}  ${String(target).padEnd(targetWidth)}  ${ok}\n`;
  process.stdout.write(`\n${line('metric', 'value', 'target', 'ok')}`);
  for (const r of rows)
    process.stdout.write(line(r.metric, r.value, r.target, r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'));
  return rows.some((r) => r.ok === false) ? 2 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
      process.exit(1);
    },
  );
}
