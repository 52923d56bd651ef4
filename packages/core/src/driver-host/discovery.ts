import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DriverNotFoundError } from '@berth/driver-protocol';
import { type BuiltinDrivers, builtinPackageName, resolveBuiltinDriver } from './builtin-driver.js';

/** Where a driver executable was found. */
export type DriverSource = 'builtin' | 'BERTH_DRIVERS_PATH' | 'store-plugins' | 'PATH';

/** A driver executable and how to start it. */
export interface DriverExecutable {
  /** Driver name (`none` for `berth-driver-none`). */
  name: string;
  /** Absolute path of the executable, or of the JS entry of a built-in package. */
  path: string;
  source: DriverSource;
  /** Program to spawn: the executable itself, or Node for JS entries (no shell, no npm shim). */
  command: string;
  args: string[];
}

export interface DiscoveryOptions {
  /** Environment to read `BERTH_DRIVERS_PATH` and `PATH` from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Store path; `<store>/plugins` is searched. */
  storePath?: string;
  /** The host's built-in drivers: their packages are searched first. */
  builtins?: BuiltinDrivers;
}

/** Environment variable with extra directories to search for drivers (path-list syntax, like PATH). */
export const DRIVERS_PATH_ENV = 'BERTH_DRIVERS_PATH';

const DRIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const JS_ENTRY = /\.(?:c|m)?js$/;

/** The file name of driver `name`'s executable: `berth-driver-<name>`. */
export function driverExecutableName(name: string): string {
  return `berth-driver-${name}`;
}

function splitPathList(value: string | undefined): string[] {
  return (value ?? '').split(path.delimiter).filter((dir) => dir !== '');
}

function candidateNames(name: string): string[] {
  const base = driverExecutableName(name);
  return process.platform === 'win32' ? [`${base}.exe`, base] : [base];
}

type Probe = 'ok' | 'missing' | 'not-executable';

async function probe(file: string): Promise<Probe> {
  try {
    if (!(await stat(file)).isFile()) return 'missing';
  } catch {
    return 'missing';
  }
  try {
    await access(file, constants.X_OK);
    return 'ok';
  } catch {
    return 'not-executable';
  }
}

function startCommand(file: string): Pick<DriverExecutable, 'command' | 'args'> {
  return JS_ENTRY.test(file) ? { command: process.execPath, args: [file] } : { command: file, args: [] };
}

interface SearchGroup {
  source: Exclude<DriverSource, 'builtin'>;
  label: string;
  dirs: string[];
}

function searchGroups(options: DiscoveryOptions): SearchGroup[] {
  const env = options.env ?? process.env;
  const driversPath = splitPathList(env[DRIVERS_PATH_ENV]);
  const groups: SearchGroup[] = [
    {
      source: 'BERTH_DRIVERS_PATH',
      label: `${DRIVERS_PATH_ENV} (${driversPath.length === 0 ? 'not set' : driversPath.join(path.delimiter)})`,
      dirs: driversPath,
    },
  ];
  if (options.storePath !== undefined) {
    const plugins = path.join(options.storePath, 'plugins');
    groups.push({ source: 'store-plugins', label: plugins, dirs: [plugins] });
  }
  const pathDirs = splitPathList(env.PATH);
  groups.push({ source: 'PATH', label: `PATH (${pathDirs.join(path.delimiter)})`, dirs: pathDirs });
  return groups;
}

function notFound(name: string, searched: string[], notExecutable: string[]): DriverNotFoundError {
  const executable = driverExecutableName(name);
  const actions = [`Berth looked for ${executable} in: ${searched.join('; ')}.`];
  for (const file of notExecutable)
    actions.push(`${file} exists but is not executable: make it executable (chmod +x).`);
  if (!DRIVER_NAME.test(name)) actions.push('Driver names contain only letters, digits, "-" and "_".');
  actions.push(`Install the driver, or put ${executable} in a directory listed in ${DRIVERS_PATH_ENV}.`);
  return new DriverNotFoundError(
    `Driver "${name}" not found. Do you have the plugin binary "${executable}" accessible in your PATH?`,
    { actions, data: { driver: name, searched, notExecutable } },
  );
}

/**
 * Finds driver `name`, searching in order: if it is one of the host's built-ins, its package
 * `@berth/driver-<name>` (the `berth-driver-<name>` bin); then `BERTH_DRIVERS_PATH`, `<store>/plugins`, `PATH`.
 * The first executable file named `berth-driver-<name>` wins. Throws DriverNotFoundError with Docker
 * Machine's wording plus every place searched and any match that is not executable.
 */
export async function findDriverExecutable(name: string, options: DiscoveryOptions = {}): Promise<DriverExecutable> {
  const builtinLabel = `the built-in package ${builtinPackageName(name)}`;
  if (!DRIVER_NAME.test(name)) throw notFound(name, [], []);
  const { builtins } = options;
  const isBuiltin = builtins !== undefined && Object.hasOwn(builtins.drivers, name);
  const searched: string[] = [];
  if (isBuiltin && builtins.resolveFrom !== undefined) {
    const builtin = await resolveBuiltinDriver(name, builtins.resolveFrom);
    if (builtin !== undefined && (await probe(builtin)) !== 'missing') {
      return { name, path: builtin, source: 'builtin', command: process.execPath, args: [builtin] };
    }
    searched.push(builtinLabel);
  }
  const notExecutable: string[] = [];
  for (const group of searchGroups(options)) {
    searched.push(group.label);
    for (const dir of group.dirs) {
      for (const fileName of candidateNames(name)) {
        const file = path.resolve(dir, fileName);
        const found = await probe(file);
        if (found === 'ok') return { name, path: file, source: group.source, ...startCommand(file) };
        if (found === 'not-executable') notExecutable.push(file);
      }
    }
  }
  throw notFound(name, searched, notExecutable);
}

/**
 * The names of the third-party drivers found where {@link findDriverExecutable} looks
 * (`BERTH_DRIVERS_PATH`, `<store>/plugins`, `PATH`): every executable `berth-driver-<name>`,
 * sorted, without duplicates. For shell completion; directories that cannot be read are skipped.
 */
export async function discoverableDriverNames(options: DiscoveryOptions = {}): Promise<string[]> {
  const prefix = driverExecutableName('');
  const names = new Set<string>();
  const dirs = searchGroups(options).flatMap((group) => group.dirs);
  await Promise.all(
    dirs.map(async (dir) => {
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch {
        return;
      }
      for (const entry of entries) {
        if (!entry.startsWith(prefix)) continue;
        const name = process.platform === 'win32' ? entry.replace(/\.exe$/i, '') : entry;
        const driver = name.slice(prefix.length);
        if (DRIVER_NAME.test(driver) && (await probe(path.resolve(dir, entry))) === 'ok') names.add(driver);
      }
    }),
  );
  return [...names].sort();
}
