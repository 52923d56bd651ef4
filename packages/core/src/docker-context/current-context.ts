import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DockerConfigInvalidError, DockerContextWriteError } from '../errors/docker-context-errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { errnoCode } from '../store/fs-error.js';

/**
 * `currentContext` in the docker CLI's config.json: the context a plain `docker` command uses when
 * neither `--context`, DOCKER_HOST nor DOCKER_CONTEXT says otherwise. Every other key of the file
 * (auths, credsStore, proxies, plugin settings...) is kept as it was.
 */

const CONFIG_FILE = 'config.json';
/** What docker gives a config.json it creates. */
const NEW_FILE_MODE = 0o600;

export function dockerConfigFile(configDir: string): string {
  return join(configDir, CONFIG_FILE);
}

interface LoadedConfig {
  /** The file itself: a symlinked config.json (dotfile managers) is written through its link. */
  path: string;
  values: Record<string, unknown>;
  mode: number | undefined;
}

async function loadConfig(configDir: string): Promise<LoadedConfig> {
  const linkPath = dockerConfigFile(configDir);
  let path = linkPath;
  let raw: string;
  let mode: number | undefined;
  try {
    path = await realpath(linkPath);
    raw = await readFile(path, 'utf8');
    mode = (await stat(path)).mode & 0o777;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { path, values: {}, mode: undefined };
    throw new DockerContextWriteError(linkPath, error);
  }
  // docker itself treats an empty file as an empty config.
  if (raw.trim() === '') return { path, values: {}, mode };
  let values: unknown;
  try {
    values = JSON.parse(raw);
  } catch (error) {
    throw new DockerConfigInvalidError(linkPath, error instanceof Error ? error.message : String(error));
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new DockerConfigInvalidError(linkPath, `it holds ${Array.isArray(values) ? 'an array' : String(values)}`);
  }
  return { path, values: values as Record<string, unknown>, mode };
}

/** The current context config.json names; undefined for none (the default context). */
export async function readCurrentContext(configDir: string): Promise<string | undefined> {
  const { values } = await loadConfig(configDir);
  return typeof values.currentContext === 'string' && values.currentContext !== '' ? values.currentContext : undefined;
}

/**
 * Makes `name` the current context, or with undefined goes back to the default one (the key is
 * dropped, as `docker context use default` does). Writes nothing when it is already so.
 * Returns the context that was current before.
 */
export async function setCurrentContext(configDir: string, name: string | undefined): Promise<string | undefined> {
  const config = await loadConfig(configDir);
  const previous =
    typeof config.values.currentContext === 'string' && config.values.currentContext !== ''
      ? config.values.currentContext
      : undefined;
  if (previous === name) return previous;
  const values = { ...config.values };
  if (name === undefined) delete values.currentContext;
  else values.currentContext = name;
  try {
    await mkdir(configDir, { recursive: true, mode: 0o700 });
    // Tab-indented without a final newline, as the docker CLI saves it.
    await writeFileAtomic({
      path: config.path,
      data: JSON.stringify(values, null, '\t'),
      mode: config.mode ?? NEW_FILE_MODE,
    });
  } catch (error) {
    throw new DockerContextWriteError(config.path, error);
  }
  return previous;
}
