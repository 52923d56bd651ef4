#!/usr/bin/env node
// `ls` of 50 VirtualBox and of 50 Hyper-V machines against the test kit's VBoxManage and
// powershell.exe simulators (state only: no guests), counting the hypervisor tool's processes,
// side by side with the real docker-machine 0.16.2 (../shared/bin/docker-machine) on the same
// store and the same simulator, in the same run.
//
// Targets: Berth runs a constant number of VBoxManage processes for the whole listing, and one
// PowerShell process. docker-machine needs several per machine.
//
// Two ways to run it (after `npm run build`):
//   node bench/hypervisors.mjs              standalone, prints a table
//   import { benchHypervisors } from './hypervisors.mjs';
//   for (const r of await benchHypervisors({ work, log })) row(r.metric, r.value, r.target, r.ok);
//
// Options (environment): BENCH_HV_MACHINES (default 50), BENCH_HV_LS_RUNS (default 3).

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BERTH = join(ROOT, 'packages/cli/bin/run.cjs');
const DOCKER_MACHINE = join(dirname(ROOT), 'shared', 'bin', 'docker-machine');

function intEnv(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Runs a program to its end; resolves with its output and wall time. */
function timed(file, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/**
 * A store of `count` machines cloned from the docker-machine-written fixture machine `template`
 * (`dm-vbox` or `dm-hyperv`): docker-machine's own schema, so both tools read it.
 */
async function cloneStore({ copyFixtureStore, dockerMachineFixture }, store, template, count, customize) {
  await copyFixtureStore(dockerMachineFixture('store-hypervisors'), store);
  const text = await readFile(join(store, 'machines', template, 'config.json'), 'utf8');
  const names = [];
  for (let i = 1; i <= count; i += 1) {
    const name = `${template.replace('dm-', '')}${String(i).padStart(3, '0')}`;
    const dir = join(store, 'machines', name);
    await mkdir(dir, { mode: 0o700 });
    const config = JSON.parse(text.replaceAll(`/machines/${template}`, `/machines/${name}`));
    config.Name = name;
    config.Driver.MachineName = name;
    customize(config, i);
    await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 4), { mode: 0o600 });
    for (const file of ['id_rsa', 'id_rsa.pub', 'ca.pem', 'cert.pem', 'key.pem']) {
      await writeFile(join(dir, file), await readFile(join(store, 'machines', template, file)), { mode: 0o600 });
    }
    names.push({ name, dir, index: i });
  }
  for (const fixture of ['dm-vbox', 'dm-hyperv']) await rm(join(store, 'machines', fixture), { recursive: true });
  return names;
}

/** ls by one tool against one simulator: wall times and the tool's processes per run. */
async function measureLs({ program, args, env, sim, tool, runs }) {
  const times = [];
  const processes = [];
  let last;
  for (let i = 0; i < runs; i += 1) {
    const before = (await sim.calls()).length;
    last = await timed(program, args, env);
    times.push(last.ms);
    const calls = (await sim.calls()).slice(before).filter((call) => call.tool === tool);
    // A VBoxManage call is a process of its own; PowerShell statements carry their process's pid.
    processes.push(
      calls.every((call) => call.pid !== undefined) ? new Set(calls.map((call) => call.pid)).size : calls.length,
    );
  }
  return { ms: median(times), processes, last };
}

/**
 * ls of `machines` machines of one hypervisor, by berth and by docker-machine on the same store
 * and simulator: wall times, the tool's processes per ls, and whether berth's rows are right.
 */
async function benchOne({ kit, work, machines, runs, row, hv }) {
  const sim = await hv.start(kit);
  try {
    const store = join(work, `${hv.driver}-store`);
    const made = await cloneStore(kit, store, hv.template, machines, hv.customize);
    for (const machine of made) await sim.registerDockerMachineVm(hv.vm(machine, machine.index % 2 === 0));
    const env = { ...process.env, ...sim.env(), MACHINE_STORAGE_PATH: store };
    const ls = (program, args, count) => measureLs({ program, args, env, sim, tool: hv.tool, runs: count });
    // A timeout long enough that neither tool gives up: both do the whole listing. (docker-machine
    // starts a plugin server per machine and the simulator is a Node process per call, so on two
    // cores it needs far more than its default 10 s for 50 machines.)
    const berth = await ls(process.execPath, [BERTH, 'ls', '--timeout', '120'], runs);
    const dm = await ls(DOCKER_MACHINE, ['ls', '--timeout', '120'], 1);
    const lines = berth.last.stdout.trim().split('\n').slice(1);
    const stopped = lines.filter((line) => new RegExp(`\\s${hv.driver}\\s+Stopped\\s`).test(line)).length;
    const rowsOk = lines.length === machines && stopped === Math.floor(machines / 2);
    // docker-machine's ERRORS cell may span lines (its ssh error output): count the machine rows.
    const dmRows = dm.last.stdout
      .split('\n')
      .filter((line) => new RegExp(`^\\S+\\s+[-*]?\\s*${hv.driver}\\s`).test(line));
    const dmComplete = dmRows.length === machines && !dmRows.some((line) => /\sTimeout\s/.test(line));
    const label = `${hv.driver} ls ${machines}`;
    row(`${label}: ${hv.tool} processes, berth`, berth.processes.join(', '), hv.target, hv.meets(berth.processes));
    row(`${label}: ${hv.tool} processes, docker-machine`, String(dm.processes[0]));
    row(`${label}: rows and states right (berth)`, rowsOk ? 'yes' : 'no', 'yes', rowsOk);
    row(`${label}: docker-machine listed every machine (no Timeout)`, dmComplete ? 'yes' : 'no', 'yes', dmComplete);
    row(`${label}: wall time, berth`, seconds(berth.ms));
    row(`${label}: wall time, docker-machine`, seconds(dm.ms));
    row(`${label}: docker-machine / berth, this run`, `${(dm.ms / berth.ms).toFixed(1)}x`);
  } finally {
    await sim.close();
  }
}

/** The two hypervisors: half their VMs running, half off. */
const HYPERVISORS = [
  {
    driver: 'virtualbox',
    tool: 'VBoxManage',
    template: 'dm-vbox',
    start: (kit) => kit.startVirtualBoxSimulator({ guests: false }),
    customize: (config, i) => {
      config.Driver.SSHPort = 41000 + i;
    },
    vm: ({ name, dir, index }, off) => ({
      name,
      machineDir: dir,
      sshPort: 41000 + index,
      hostOnlyCidr: '192.168.99.1/24',
      boot2dockerIso: join(dir, 'boot2docker.iso'),
      disk: join(dir, 'disk.vmdk'),
      state: off ? 'poweroff' : 'running',
    }),
    target: '<= 2, constant',
    meets: (counts) => counts.every((n) => n === counts[0] && n <= 2),
  },
  {
    driver: 'hyperv',
    tool: 'powershell.exe',
    template: 'dm-hyperv',
    start: (kit) => kit.startHypervSimulator({ guests: false }),
    customize: () => undefined,
    vm: ({ name, dir }, off) => ({
      name,
      machineDir: dir,
      switchName: 'External Wireless',
      state: off ? 'Off' : 'Running',
    }),
    target: '1',
    meets: (counts) => counts.every((n) => n === 1),
  },
];

export async function benchHypervisors({ work, log = (line) => process.stderr.write(`[bench:hv] ${line}\n`) }) {
  const kit = await import('@berth/test-kit');
  const machines = intEnv('BENCH_HV_MACHINES', 50);
  const runs = intEnv('BENCH_HV_LS_RUNS', 3);
  const rows = [];
  const row = (metric, value, target = '', ok = undefined) => rows.push({ metric, value, target, ok });
  for (const hv of HYPERVISORS.filter((h) => !process.env.BENCH_HV_ONLY || h.driver === process.env.BENCH_HV_ONLY)) {
    log(`${hv.driver}: ls of ${machines} machines, berth and docker-machine...`);
    await benchOne({ kit, work, machines, runs, row, hv });
  }
  return rows;
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-hv-'));
  let rows;
  try {
    rows = await benchHypervisors({ work });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map((r) => r.metric.length));
  for (const r of rows) {
    const verdict = r.ok === undefined ? '' : r.ok ? 'ok' : 'NO';
    process.stdout.write(
      `${r.metric.padEnd(width)}  ${String(r.value).padEnd(14)} ${r.target.padEnd(16)} ${verdict}\n`,
    );
  }
  return rows.some((r) => r.ok === false) ? 2 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
      process.exit(1);
    },
  );
}
