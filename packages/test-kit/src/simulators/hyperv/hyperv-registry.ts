import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import type { HypervWorld } from './hyperv-world.js';

/**
 * The env var naming the simulator's state dir (contract §0). Not the VBoxManage simulator's
 * BERTH_SIM_STATE_DIR, so one berth process can have both simulators on PATH.
 */
export const STATE_DIR_ENV = 'BERTH_HYPERV_SIM_STATE_DIR';

export function worldPath(stateDir: string): string {
  return join(stateDir, 'world.json');
}

export async function readWorld(stateDir: string): Promise<HypervWorld> {
  return JSON.parse(await readFile(worldPath(stateDir), 'utf8')) as HypervWorld;
}

/** Writes through a temporary file, so a reader never sees half a registry. */
export async function writeWorld(stateDir: string, world: HypervWorld): Promise<void> {
  const path = worldPath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(world, null, 2)}\n`);
  await rename(temporary, path);
}

/**
 * Reads the world, lets `change` edit it and writes it back, all under the registry's file lock:
 * several powershell.exe processes (a driver's session, docker-machine's one-shot calls, the test)
 * may act at once. `change` must not wait on anything slow (containers): callers split slow work
 * into two short updates around it.
 */
export async function updateWorld<T>(stateDir: string, change: (world: HypervWorld) => T | Promise<T>): Promise<T> {
  const release = await lock(worldPath(stateDir), {
    stale: 10_000,
    retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
  });
  try {
    const world = await readWorld(stateDir);
    const result = await change(world);
    await writeWorld(stateDir, world);
    return result;
  } finally {
    await release();
  }
}
