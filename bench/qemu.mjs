#!/usr/bin/env node
// Berth's local-VM figures (issue 9): `create -d qemu` timed to SSH and to "Docker is up" on a real
// VM (TCG here, KVM where the CPU has it), and the image download's throughput against curl on the
// same local mirror, as ratios measured in one run. docker-machine had no qemu driver: no peer column.
//
// As a module (from bench/run.mjs): `for (const r of await benchQemu({ log })) row(...)`.
// Standalone (after `npm run build`): `node bench/qemu.mjs`.
//
// Traffic stays on loopback: the image comes from the test kit's mirror, the guest's network is
// restricted (no egress), and its engine is the one the test image ships.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BERTH = join(ROOT, 'packages/cli/bin/run.cjs');
const IMAGE_NAME = 'berth-test-debian12.qcow2';
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs berth, noting when each stdout line first appeared (ms since the start). */
function timedBerth(args, store) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const seen = new Map();
    const child = spawn(process.execPath, [BERTH, ...args], {
      env: { ...process.env, MACHINE_STORAGE_PATH: store },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      for (const line of stdout.split('\n')) if (!seen.has(line)) seen.set(line, Date.now() - started);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve({ ms: Date.now() - started, seen });
      else reject(new Error(`berth ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`));
    });
  });
}

/** Wall time of a command (ms); throws on failure. Asynchronous: the image server runs in this process. */
function timeCommand(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Number(process.hrtime.bigint() - started) / 1e6);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

export async function benchQemu({ log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const { ensureQemuImage, qemuTestCreateArgs, sha512File, startImageServer } = await import('@berth/test-kit');
  const { ensureImage } = await import('@berth/core/images');
  log('qemu: preparing the test image (built once, then cached)...');
  const image = await ensureQemuImage(log);
  const checksum = `sha512:${await sha512File(image.disk)}`;
  const server = await startImageServer({ files: { [IMAGE_NAME]: { path: image.disk } } });
  const work = await mkdtemp(join(tmpdir(), 'berth-bench-qemu-'));
  const rows = [];
  try {
    const mb = (await import('node:fs')).statSync(image.disk).size / 2 ** 20;
    log('qemu: image download, berth vs curl...');
    const cacheDir = join(work, 'cache');
    const berthStart = Date.now();
    await ensureImage({ url: `https://images.invalid/${IMAGE_NAME}`, checksum, cacheDir, mirror: server.url });
    const berthMs = Date.now() - berthStart;
    const curlOut = join(work, 'curl.qcow2');
    const curlMs = await timeCommand('curl', ['-sSf', '-o', curlOut, server.urlOf(IMAGE_NAME)]);
    const sumMs = await timeCommand('sha512sum', [curlOut]);
    const rate = (ms) => `${(mb / (ms / 1000)).toFixed(0)} MiB/s`;
    rows.push({
      metric: `image download, ${mb.toFixed(0)} MiB, loopback: berth (fetch + sha512 + rename)`,
      value: `${seconds(berthMs)} (${rate(berthMs)})`,
      target: '',
      ok: undefined,
    });
    rows.push({
      metric: 'image download: curl alone',
      value: `${seconds(curlMs)} (${rate(curlMs)})`,
      target: '',
      ok: undefined,
    });
    const ratio = berthMs / (curlMs + sumMs);
    rows.push({
      metric: 'image download: berth / (curl + sha512sum), same server, this run',
      value: `${ratio.toFixed(2)}x`,
      target: '<= 1.5x',
      ok: ratio <= 1.5,
    });
    rows.push({
      metric: 'image download: berth / curl alone',
      value: `${(berthMs / curlMs).toFixed(2)}x`,
      target: '',
      ok: undefined,
    });

    log('qemu: create -d qemu on a real VM...');
    const store = join(work, 'store');
    const args = qemuTestCreateArgs({ image, mirrorUrl: server.url, checksum, name: 'bench' });
    const create = await timedBerth(args, store);
    const accel =
      [...create.seen.keys()].map((line) => /Starting QEMU VM \((\w+)\)/.exec(line)?.[1]).find(Boolean) ?? '?';
    const toSsh = create.seen.get('Detecting the provisioner...');
    const toDocker = create.seen.get('Docker is up and running!');
    rows.push({
      metric: `create -d qemu (${accel}), image downloaded: to SSH answering`,
      value: toSsh ? seconds(toSsh) : 'n/a',
      target: '',
      ok: undefined,
    });
    rows.push({
      metric: `create -d qemu (${accel}): to "Docker is up"`,
      value: toDocker ? seconds(toDocker) : 'n/a',
      target: '',
      ok: undefined,
    });
    const rmStart = Date.now();
    await timedBerth(['rm', '-y', 'bench'], store);
    rows.push({
      metric: 'rm (qemu machine, running)',
      value: seconds(Date.now() - rmStart),
      target: '',
      ok: undefined,
    });
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchQemu();
  for (const r of rows)
    process.stdout.write(`${r.metric}\t${r.value}\t${r.target}\t${r.ok === undefined ? '' : r.ok ? 'yes' : 'NO'}\n`);
  process.exit(rows.some((r) => r.ok === false) ? 2 : 0);
}
