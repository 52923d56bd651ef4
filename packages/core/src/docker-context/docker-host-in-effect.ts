import { findContext } from './context-store.js';
import { readCurrentContext } from './current-context.js';
import { dockerConfigDir } from './docker-config-dir.js';

/** The context docker uses when none is named: its engine is whatever DOCKER_HOST says. */
const DEFAULT_CONTEXT = 'default';

/**
 * The engine a plain `docker` command talks to, found as the docker CLI finds it: DOCKER_HOST,
 * else the context DOCKER_CONTEXT names, else config.json's `currentContext`; '' for the default
 * context, or when the context cannot be read (then docker itself would fail, and `ls` shows no
 * machine as active rather than failing). docker-machine looked at DOCKER_HOST alone, which
 * would leave nothing active after `berth use`.
 */
export async function dockerHostInEffect(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  const configDir = dockerConfigDir(env);
  if (configDir === undefined) return '';
  const name = env.DOCKER_CONTEXT || (await readCurrentContext(configDir).catch(() => undefined));
  if (name === undefined || name === '' || name === DEFAULT_CONTEXT) return '';
  const found = await findContext(configDir, name).catch(() => undefined);
  const endpoint = found?.exists ? found.meta?.Endpoints?.docker : undefined;
  const host = typeof endpoint === 'object' && endpoint !== null ? (endpoint as { Host?: unknown }).Host : undefined;
  return typeof host === 'string' ? host : '';
}
