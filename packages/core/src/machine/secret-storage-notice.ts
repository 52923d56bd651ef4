import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStorage } from '../store/secret-vault.js';
import type { Store } from '../store/store-layout.js';

/** In the store's root: how secrets were last said to be kept (`config.json` or `helper:<name>`). */
export const SECRET_NOTICE_FILE = '.secret-storage-notice';

export interface SecretNoticeFacts {
  driverName: string;
  storage: SecretStorage;
  /** The new machine's config.json. */
  configPath: string;
}

/**
 * The one line `create` prints on stderr about where a driver's secrets are kept, or undefined
 * when this store was already told so. Said again only when the way changes (a helper configured
 * later), so scripts creating many machines see it once.
 */
export async function secretStorageNotice(store: Store, facts: SecretNoticeFacts): Promise<string | undefined> {
  const { storage, driverName } = facts;
  const way = storage.helper === undefined ? 'config.json' : `helper:${storage.helper}`;
  const marker = join(store.root, SECRET_NOTICE_FILE);
  const told = await readFile(marker, 'utf8').catch(() => undefined);
  if (told?.trim() === way) return undefined;
  // Not remembered (read-only store?): the notice comes again next time, which is harmless.
  await writeFile(marker, `${way}\n`, { mode: 0o600 }).catch(() => undefined);
  const what = `The ${driverName} driver's ${storage.keys.join(' and ')}`;
  if (storage.helper === undefined) {
    return `${what} is stored in clear in ${facts.configPath} (mode 0600), as docker-machine stores it; set "credsStore" in the docker CLI's config.json to keep such secrets in a Docker credential helper instead. (Said once for this store.)`;
  }
  return `${what} is kept by the Docker credential helper docker-credential-${storage.helper}; config.json holds only a reference to it, which docker-machine cannot use. (Said once for this store.)`;
}
