#!/usr/bin/env node
// Berth's DigitalOcean figures: `create` and `rm` wall time against the test kit's DigitalOcean
// simulator (real test hosts behind a loopback API validated against the official OpenAPI spec).
//
// As a module (from bench/run.mjs, with its test session):
//   const { benchDigitalOcean } = await import('./digitalocean.mjs');
//   for (const r of await benchDigitalOcean({ session, runs: CREATE_RUNS, log })) row(r.metric, r.value, r.target, r.ok);
// Standalone (after `npm run build`): `node bench/digitalocean.mjs` (BENCH_DO_RUNS, default 2); prints
// a table; exit 0 when every target is met, 2 when one is missed, 1 when the bench itself failed.
//
// Traffic goes only to loopback and to the test hosts: every run passes --digitalocean-api-url,
// and an https:// request would go to a dead proxy on 127.0.0.1.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BERTH = join(ROOT, 'packages/cli/bin/run.cjs');
const OFFLINE = {
  HTTPS_PROXY: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '127.0.0.1,localhost',
  no_proxy: '127.0.0.1,localhost',
  DIGITALOCEAN_ACCESS_TOKEN: '',
  DIGITALOCEAN_API_URL: 'http://127.0.0.1:9',
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s`;

function berth(args, store) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const env = { ...process.env, MACHINE_STORAGE_PATH: store, ...OFFLINE };
    delete env.HTTP_PROXY;
    delete env.http_proxy;
    const child = spawn(process.execPath, [BERTH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ ms, stdout, stderr });
      else reject(new Error(`berth ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`));
    });
  });
}

/**
 * Creates and removes `runs` machines with the digitalocean driver against a fresh simulator.
 * Returns rows `{metric, value, target, ok}` (`ok` is true, false, or undefined when no target).
 */
export async function benchDigitalOcean({ session, runs = 2, log = () => undefined }) {
  const { DigitalOceanSimulator } = await import('@berth/test-kit');
  const sim = await DigitalOceanSimulator.start({ session });
  const store = await mkdtemp(join(tmpdir(), 'berth-bench-do-'));
  const creates = [];
  const removes = [];
  const calls = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const name = `do${i + 1}`;
      log(`digitalocean: create ${name}...`);
      const before = sim.requests().length;
      const created = await berth(
        [
          'create',
          '-d',
          'digitalocean',
          '--digitalocean-access-token',
          sim.token,
          '--digitalocean-api-url',
          sim.url,
          '--digitalocean-image',
          'debian-12-x64',
          '--engine-install-url',
          session.installScriptUrl,
          name,
        ],
        store,
      );
      creates.push(created.ms);
      calls.push(sim.requests().length - before);
      log(`digitalocean: rm ${name}...`);
      removes.push((await berth(['rm', '-y', name], store)).ms);
    }
    await sim.settled();
    const left = sim.resources();
    const leftCount = left.droplets.length + left.sshKeys.length;
    const violations = sim.violations().length;
    return [
      {
        metric: 'create (digitalocean, simulator): wall time',
        value: seconds(median(creates)),
        target: '',
        ok: undefined,
      },
      {
        metric: 'rm (digitalocean, simulator): wall time',
        value: seconds(median(removes)),
        target: '< 5 s',
        ok: median(removes) < 5_000,
      },
      { metric: 'create (digitalocean): API calls', value: calls.join(', '), target: '', ok: undefined },
      { metric: 'digitalocean: resources left after rm', value: String(leftCount), target: '0', ok: leftCount === 0 },
      {
        metric: 'digitalocean: calls off the OpenAPI spec',
        value: String(violations),
        target: '0',
        ok: violations === 0,
      },
    ];
  } finally {
    await sim.close();
    await rm(store, { recursive: true, force: true });
  }
}

async function main() {
  const { TestSession } = await import('@berth/test-kit');
  const runs = Number(process.env.BENCH_DO_RUNS) > 0 ? Number(process.env.BENCH_DO_RUNS) : 2;
  const log = (line) => process.stderr.write(`[bench] ${line}\n`);
  const session = await TestSession.create(log);
  let rows;
  try {
    rows = await benchDigitalOcean({ session, runs, log });
  } finally {
    await session.clean();
  }
  const table = rows.map((r) => ({ ...r, ok: r.ok === undefined ? '' : r.ok ? 'yes' : 'NO' }));
  const cols = ['metric', 'value', 'target', 'ok'];
  const head = { metric: 'metric', value: 'value', target: 'target', ok: 'ok?' };
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...table].map((r) => String(r[c]).length))]));
  const line = (r) => `| ${cols.map((c) => String(r[c]).padEnd(width[c])).join(' | ')} |`;
  process.stdout.write(
    `${[line(head), `|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`, ...table.map(line)].join('\n')}\n`,
  );
  return rows.some((r) => r.ok === false) ? 2 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
      process.exit(1);
    },
  );
}
