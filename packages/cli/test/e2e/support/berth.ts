import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BERTH_BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

export interface BerthRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface BerthOptions {
  store: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

/** Runs the real `berth` executable (a fresh process, as a user's shell would). */
export function berth(args: string[], options: BerthOptions): Promise<BerthRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], {
      env: { ...process.env, MACHINE_STORAGE_PATH: options.store, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `berth ${args.join(' ')} did not finish within ${options.timeoutMs ?? 300_000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The argv of `berth create -d generic` for `host`:
 * create -d generic --generic-ip-address A --generic-ssh-key K [extra...] [--engine-install-url U] NAME.
 */
export function genericCreateArgs(
  host: { address: string; privateKeyPath: string },
  name: string,
  options: { installUrl?: string; extra?: string[] } = {},
): string[] {
  return [
    'create',
    '-d',
    'generic',
    '--generic-ip-address',
    host.address,
    '--generic-ssh-key',
    host.privateKeyPath,
    ...(options.extra ?? []),
    ...(options.installUrl === undefined ? [] : ['--engine-install-url', options.installUrl]),
    name,
  ];
}

/** Like berth(), but fails the test with the output when the exit code is not 0. */
export async function berthOk(args: string[], options: BerthOptions): Promise<BerthRun> {
  const run = await berth(args, options);
  if (run.code !== 0) {
    throw new Error(`berth ${args.join(' ')} exited ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  return run;
}

/** Every file under `dir` with a hash of its bytes: to prove a command changed nothing. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  async function walk(path: string): Promise<void> {
    let entries: string[];
    try {
      entries = await readdir(path);
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(path, entry);
      const info = await stat(full);
      if (info.isDirectory()) await walk(full);
      else
        result[full] = createHash('sha256')
          .update(await readFile(full))
          .digest('hex');
    }
  }
  await walk(dir);
  return result;
}
