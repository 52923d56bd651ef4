import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, runCommand } from '../engine/run-command.js';
import { BERTH_BIN } from './berth-runner.js';
import { withPrivateDockerConfig } from './private-docker-config.js';

/**
 * Writes a `berth` executable (a launcher of {@link BERTH_BIN}) into `dir`, a fresh temp
 * directory by default, and returns the directory: put it on PATH for shell lines such as
 * `eval $(berth env m)` and `docker $(berth config m) version`.
 */
export async function berthOnPath(dir?: string): Promise<string> {
  const target = dir ?? (await mkdtemp(join(tmpdir(), 'berth-bin-')));
  await writeFile(join(target, 'berth'), `#!/bin/sh\nexec "${process.execPath}" "${BERTH_BIN}" "$@"\n`);
  await chmod(join(target, 'berth'), 0o755);
  return target;
}

export interface BashOptions {
  /** MACHINE_STORAGE_PATH of the script. */
  store: string;
  /** Put first on PATH (a directory from {@link berthOnPath}). */
  binDir?: string;
  /** The environment to start from instead of this process's. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Variables removed from the base environment (SHELL, as under cron; proxies the docker CLI would use). */
  unset?: readonly string[];
  /** Variables added last, overriding everything else. */
  env?: Record<string, string>;
  /** Default 180 s. */
  timeoutMs?: number;
}

/** Runs a bash script with the store (and `berth` on PATH), as a user would type it; never throws for a non-zero exit. */
export function bashWithBerth(script: string, options: BashOptions): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = withPrivateDockerConfig(options.baseEnv ?? process.env, options.env);
  for (const name of options.unset ?? []) delete env[name];
  env.MACHINE_STORAGE_PATH = options.store;
  if (options.binDir !== undefined) env.PATH = `${options.binDir}:${env.PATH ?? ''}`;
  return runCommand('bash', ['-c', script], {
    env: { ...env, ...options.env },
    timeoutMs: options.timeoutMs ?? 180_000,
  });
}
