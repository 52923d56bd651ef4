import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Driver } from '@berth/driver-protocol';

/**
 * The drivers shipped with the program that hosts them, the one place they are named (the CLI
 * passes its own). Served inside the host's process; run as their executables when `isolate` is
 * set, as third-party drivers always are.
 */
export interface BuiltinDrivers {
  /** Makes each driver, by name, to serve it in this process. */
  drivers: Readonly<Record<string, () => Promise<Driver>>>;
  /**
   * The package that depends on them (a file URL or path inside it): their executables are
   * resolved from there, so nothing relies on how npm hoisted them. Without it they run only in process.
   */
  resolveFrom?: string | URL;
  /** Run them as processes (BERTH_ISOLATE_DRIVERS=1). */
  isolate?: boolean;
}

/** npm package that holds the built-in driver `name`. */
export function builtinPackageName(name: string): string {
  return `@berth/driver-${name}`;
}

interface PackageManifest {
  name?: unknown;
  bin?: unknown;
}

async function readManifest(dir: string): Promise<PackageManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageManifest;
  } catch {
    return undefined;
  }
}

/** The directory of the installed package `packageName` whose entry point is `entry`. */
async function packageRoot(entry: string, packageName: string): Promise<string | undefined> {
  let dir = path.dirname(entry);
  for (;;) {
    const manifest = await readManifest(dir);
    if (manifest?.name === packageName) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The JS entry of the built-in driver `name`: the `berth-driver-<name>` bin of package
 * `@berth/driver-<name>`, resolved from `from` (a file URL or path; node resolution, so hoisted and
 * workspace-linked packages are found). `undefined` if no such package with such a bin is installed.
 */
export async function resolveBuiltinDriver(name: string, from: string | URL): Promise<string | undefined> {
  const packageName = builtinPackageName(name);
  let entry: string;
  try {
    entry = createRequire(from).resolve(packageName);
  } catch {
    return undefined;
  }
  const root = await packageRoot(entry, packageName);
  if (root === undefined) return undefined;
  const { bin } = (await readManifest(root)) ?? {};
  const executable = `berth-driver-${name}`;
  const relative =
    typeof bin === 'string' ? bin : typeof bin === 'object' && bin !== null ? Reflect.get(bin, executable) : undefined;
  return typeof relative === 'string' ? path.resolve(root, relative) : undefined;
}
