import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dockerConfigDir } from '../docker-context/docker-config-dir.js';
import { CredentialConfigInvalidError } from '../errors/credential-errors.js';
import { errnoCode } from './fs-error.js';

/**
 * The `credHelpers` entry that picks a helper for Berth's secrets alone. Docker keys that map by
 * registry host name; Berth's server URLs are not registries, so it has a name of its own.
 */
export const BERTH_CRED_HELPERS_KEY = 'berth';

/**
 * The credential helper new machine secrets go to: `credHelpers.berth` if set, else `credsStore`,
 * from `$DOCKER_CONFIG/config.json` (else `$HOME/.docker`). Undefined when neither is set, or
 * there is no such file or directory.
 * Helpers listed in `credHelpers` for registries only (ecr-login, gcloud) are not used: most are
 * read-only.
 * @throws CredentialConfigInvalidError when the file exists but is not a JSON object
 */
export async function configuredCredentialHelper(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dir = dockerConfigDir(env);
  if (dir === undefined) return undefined;
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw new CredentialConfigInvalidError(path, error instanceof Error ? error.message : String(error));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CredentialConfigInvalidError(path, error instanceof Error ? error.message : String(error));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CredentialConfigInvalidError(path, 'it is not a JSON object');
  }
  const config = parsed as { credsStore?: unknown; credHelpers?: unknown };
  const helpers = config.credHelpers;
  if (typeof helpers === 'object' && helpers !== null) {
    const own = (helpers as Record<string, unknown>)[BERTH_CRED_HELPERS_KEY];
    if (typeof own === 'string' && own !== '') return own;
  }
  return typeof config.credsStore === 'string' && config.credsStore !== '' ? config.credsStore : undefined;
}
