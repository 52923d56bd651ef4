import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fixture drivers: each `fixtures/<name>.mjs` becomes an executable `berth-driver-<name>`. */
export const FIXTURES = ['crash', 'garbage', 'hang', 'wrongmajor', 'liar', 'slow', 'progress'] as const;

export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface FixtureDrivers {
  /** Directory holding the executables (put it in BERTH_DRIVERS_PATH). */
  dir: string;
  remove(): Promise<void>;
}

/**
 * Writes executable wrappers into a fresh temporary directory: a shell script that `exec`s Node on
 * the fixture, so the driver's pid is the wrapper's pid. Also `berth-driver-noexec`, which is not
 * executable.
 */
export async function installFixtureDrivers(): Promise<FixtureDrivers> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-drivers-'));
  for (const name of FIXTURES) {
    const file = path.join(dir, `berth-driver-${name}`);
    const script = path.join(fixturesDir, `${name}.mjs`);
    await writeFile(file, `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
    await chmod(file, 0o755);
  }
  await writeFile(path.join(dir, 'berth-driver-noexec'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Whether a process with this pid exists (a zombie would count: Node must have reaped it). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` has stopped running: gone, or a zombie. After berth itself has exited, its orphaned
 * driver is reaped by init, which in a container may be slow or never happen; a zombie has exited.
 */
export function hasExited(pid: number): boolean {
  if (!isRunning(pid)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** Waits until `pid` has exited (see hasExited), up to `ms`; returns whether it has. */
export async function waitExited(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (hasExited(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return hasExited(pid);
}
