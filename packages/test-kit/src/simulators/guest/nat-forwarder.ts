import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuestNetworkError } from './guest-errors.js';

/** One forwarded port: 127.0.0.1:PORT -> the guest's address and port (a NAT rule). */
export interface ForwarderSpec {
  /** Unique within `recordsDir` (e.g. `<vm uuid>-ssh`); names the record file. */
  id: string;
  /** Where the records live (the simulator's state dir holds them). */
  recordsDir: string;
  listenHost: string;
  listenPort: number;
  targetHost: string;
  targetPort: number;
  /** The guest container: the forwarder exits once it no longer runs (the VM powered off). */
  container: string;
  /** `pid:starttime` of the test process: the forwarder exits when it dies. */
  owner: string;
}

export interface ForwarderRecord extends ForwarderSpec {
  pid: number;
}

/**
 * The compiled forwarder entry. From the sources (vitest runs them, and drivers' tests import the
 * simulators from src), the .js beside this file does not exist: the one under dist/ does.
 */
function forwarderScript(): string {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith('.ts') ? here.replace(/\/src\/(?!.*\/src\/)/, '/dist/') : here;
  return join(dirname(compiled), 'nat-forwarder-main.js');
}

function recordPath(recordsDir: string, id: string): string {
  return join(recordsDir, `${id}.json`);
}

/**
 * Starts a detached forwarder process and waits until it listens. Throws GuestNetworkError when
 * it cannot (the port is taken): the caller decides whether that fails the power-on.
 */
export async function startForwarder(spec: ForwarderSpec): Promise<ForwarderRecord> {
  await mkdir(spec.recordsDir, { recursive: true });
  await stopForwarder(spec.recordsDir, spec.id);
  const child = spawn(process.execPath, [forwarderScript(), JSON.stringify(spec)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const firstLine = await new Promise<string>((resolve) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.split('\n')[0] ?? '');
    });
    child.on('exit', (code) => resolve(text || `exited ${code}`));
  });
  child.stdout.destroy();
  child.unref();
  if (firstLine !== 'listening' || child.pid === undefined) {
    throw new GuestNetworkError(
      `cannot forward ${spec.listenHost}:${spec.listenPort} to ${spec.targetHost}:${spec.targetPort}: ${firstLine}`,
    );
  }
  return { ...spec, pid: child.pid };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Forwarders whose process still runs (records of dead ones are dropped). */
export async function liveForwarders(recordsDir: string): Promise<ForwarderRecord[]> {
  const names = await readdir(recordsDir).catch(() => [] as string[]);
  const live: ForwarderRecord[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    const record = await readFile(join(recordsDir, name), 'utf8')
      .then((text) => JSON.parse(text) as ForwarderRecord)
      .catch(() => undefined);
    if (record && pidAlive(record.pid)) live.push(record);
    else await rm(join(recordsDir, name), { force: true });
  }
  return live;
}

/** Stops one forwarder: its record goes (it watches for that) and it gets SIGTERM. */
export async function stopForwarder(recordsDir: string, id: string): Promise<void> {
  const path = recordPath(recordsDir, id);
  const record = await readFile(path, 'utf8')
    .then((text) => JSON.parse(text) as ForwarderRecord)
    .catch(() => undefined);
  await rm(path, { force: true });
  if (record && pidAlive(record.pid)) {
    try {
      process.kill(record.pid, 'SIGTERM');
    } catch {
      // It exited meanwhile.
    }
  }
}

/** Stops every forwarder whose id starts with `prefix` (all of one VM). */
export async function stopForwarders(recordsDir: string, prefix = ''): Promise<void> {
  for (const record of await liveForwarders(recordsDir)) {
    if (record.id.startsWith(prefix)) await stopForwarder(recordsDir, record.id);
  }
}
