import { join } from 'node:path';

/**
 * The docker CLI's config directory as this environment names it: DOCKER_CONFIG, else
 * `$HOME/.docker` (`%USERPROFILE%\.docker` on Windows). Read from the environment only, so a
 * process given an environment without a home (a test's `env: {}`) never writes to the user's
 * own ~/.docker; the docker CLI would fall back to the passwd entry there, Berth writes nothing.
 */
export function dockerConfigDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const explicit = nonEmpty(env.DOCKER_CONFIG);
  if (explicit !== undefined) return explicit;
  const home = nonEmpty(env.HOME) ?? (platform === 'win32' ? nonEmpty(env.USERPROFILE) : undefined);
  return home === undefined ? undefined : join(home, '.docker');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
