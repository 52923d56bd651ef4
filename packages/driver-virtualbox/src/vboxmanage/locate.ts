import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

export interface LocateOptions {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** VirtualBox's InstallDir from the Windows registry; `reg query` by default. */
  registryInstallDir?: () => Promise<string | undefined>;
}

export interface Located {
  /** Absolute path of the executable, or undefined when none was found. */
  path: string | undefined;
  /** Every place looked at, in order (for the error's data). */
  tried: string[];
}

/** The candidates for `name` on PATH, in PATH order (with PATHEXT's endings on Windows). */
export function pathCandidates(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const dirs = (env.PATH ?? env.Path ?? '').split(p.delimiter).filter((dir) => dir !== '');
  const endings = platform === 'win32' && !/\.[a-z]+$/i.test(name) ? ['.exe', '.cmd', '.bat', ''] : [''];
  return dirs.flatMap((dir) => endings.map((ending) => p.join(dir, `${name}${ending}`)));
}

/**
 * Where Docker Machine looked for VBoxManage, in its order: on Windows the installer's variables
 * (VBOX_INSTALL_PATH, VBOX_MSI_INSTALL_PATH), the default install folder and the registry's
 * InstallDir, then PATH; elsewhere PATH only.
 */
export async function vboxManageCandidates(options: LocateOptions): Promise<string[]> {
  if (options.platform !== 'win32') return pathCandidates('VBoxManage', options.env, options.platform);
  const dirs = [
    options.env.VBOX_INSTALL_PATH,
    options.env.VBOX_MSI_INSTALL_PATH,
    'C:\\Program Files\\Oracle\\VirtualBox',
  ];
  dirs.push(await (options.registryInstallDir ?? registryInstallDir)());
  const installed = dirs
    .flatMap((dir) => (dir ?? '').split(';'))
    .filter((dir) => dir.trim() !== '')
    .map((dir) => path.win32.join(dir.trim(), 'VBoxManage.exe'));
  return [...installed, ...pathCandidates('VBoxManage.exe', options.env, 'win32')];
}

export async function locateVBoxManage(options: LocateOptions): Promise<Located> {
  const tried = await vboxManageCandidates(options);
  for (const candidate of tried) {
    if (await isExecutable(candidate, options.platform)) return { path: candidate, tried };
  }
  return { path: undefined, tried };
}

/** Whether any of `names` is an executable on PATH. */
export async function onPath(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): Promise<boolean> {
  for (const name of names) {
    for (const candidate of pathCandidates(name, env, platform)) {
      if (await isExecutable(candidate, platform)) return true;
    }
  }
  return false;
}

async function isExecutable(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    // Windows has no execute bit: an existing file with an executable ending is enough.
    if (platform !== 'win32') await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `InstallDir` of HKLM\SOFTWARE\Oracle\VirtualBox, as `reg query` prints it (Windows only). */
export function parseRegQueryInstallDir(output: string): string | undefined {
  const line = output.split(/\r?\n/).find((candidate) => /^\s*InstallDir\s+REG_\w+\s+/.test(candidate));
  return line?.replace(/^\s*InstallDir\s+REG_\w+\s+/, '').trim() || undefined;
}

function registryInstallDir(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'reg',
      ['query', 'HKLM\\SOFTWARE\\Oracle\\VirtualBox', '/v', 'InstallDir'],
      { windowsHide: true, timeout: 10_000 },
      (error, stdout) => resolve(error ? undefined : parseRegQueryInstallDir(stdout)),
    );
  });
}
