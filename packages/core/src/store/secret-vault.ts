import type { DriverConfig } from '@berth/driver-protocol';
import pLimit, { type LimitFunction } from 'p-limit';
import { CredentialNotFoundError } from '../errors/credential-errors.js';
import { CredentialHelper } from './credential-helper.js';
import { configuredCredentialHelper } from './docker-credential-config.js';
import {
  formatSecretReference,
  machineSecretsPrefix,
  parseSecretReference,
  type SecretReference,
  secretReferencesIn,
  secretServerUrl,
} from './secret-references.js';

/** Where a new machine's secrets are kept, as decided when its driver was configured. */
export interface SecretStorage {
  /** The credential helper that holds them; undefined: in config.json, as docker-machine kept them. */
  helper?: string;
  /** The secret keys that had a value (e.g. `AccessToken`). */
  keys: string[];
}

interface PendingSecret {
  key: string;
  reference: SecretReference;
  secret: string;
}

/** At most this many helper processes at once: gpg and keychains serialise anyway. */
const HELPER_CONCURRENCY = 4;

/**
 * Keeps the driver secrets (the keys a driver declares in `secretConfigKeys`) of one berth command.
 * What is stored holds references (see secret-references.ts); what a driver receives holds the
 * secrets: the driver host calls {@link reveal} before each request and {@link conceal} on each
 * returned driver config. A new machine's secrets reach the helper only at {@link commit}, once its
 * directory is claimed, so a create that fails earlier (or loses a race for the name) leaves
 * nothing in the keychain. Revealed secrets are cached for the command.
 */
export class SecretVault {
  private readonly helpers = new Map<string, CredentialHelper>();
  private readonly limit: LimitFunction = pLimit(HELPER_CONCURRENCY);
  /** Formatted reference → its secret (revealed, stored or waiting to be stored). */
  private readonly known = new Map<string, Promise<string>>();
  private readonly pending = new Map<string, Map<string, PendingSecret>>();
  private readonly storage = new Map<string, SecretStorage>();
  private configured?: Promise<string | undefined>;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** `driverConfig` with every reference replaced by its secret (the same object when it has none). */
  async reveal(driverConfig: DriverConfig): Promise<DriverConfig> {
    const references = secretReferencesIn(driverConfig);
    if (references.size === 0) return driverConfig;
    const revealed: DriverConfig = { ...driverConfig };
    await Promise.all(
      [...references].map(async ([key, reference]) => {
        revealed[key] = await this.secretOf(key, reference);
      }),
    );
    return revealed;
  }

  /**
   * `returned` (a driver config a driver answered for `machine`) as it is to be stored. A secret
   * key that was a reference in `sent` stays that reference (its entry updated if the driver
   * changed the secret). A new machine's secrets (`fresh`: the driver was just configured from
   * flags) become references when a helper is configured, else stay as they are; an existing
   * machine's secrets stored in clear stay in clear, so a store docker-machine shares keeps working.
   */
  async conceal(
    machine: string,
    keys: readonly string[],
    sent: DriverConfig,
    returned: DriverConfig,
    fresh: boolean,
  ): Promise<DriverConfig> {
    const concealed: DriverConfig = { ...returned };
    const storage: SecretStorage = { keys: [] };
    for (const key of keys) {
      const value = returned[key];
      if (typeof value !== 'string' || value === '' || parseSecretReference(value) !== undefined) continue;
      const previous = parseSecretReference(sent[key]);
      if (previous !== undefined) {
        concealed[key] = await this.keep(machine, key, previous, value);
      } else if (fresh) {
        storage.keys.push(key);
        const helper = await this.configuredHelper();
        if (helper === undefined) continue;
        storage.helper = helper;
        const reference = { helper, serverUrl: secretServerUrl(machine, key) };
        this.pendingOf(machine).set(key, { key, reference, secret: value });
        this.known.set(formatSecretReference(reference), Promise.resolve(value));
        concealed[key] = formatSecretReference(reference);
      }
    }
    if (fresh) this.storage.set(machine, storage);
    return concealed;
  }

  /**
   * Stores new machine `machine`'s secrets through the helper; call it once its directory is
   * claimed, before its config.json is first written. Answers where they went (undefined: the
   * driver has no secrets or they were empty).
   */
  async commit(machine: string): Promise<SecretStorage | undefined> {
    const waiting = this.pending.get(machine);
    if (waiting !== undefined) {
      for (const entry of waiting.values()) {
        await this.helper(entry.reference.helper).store({
          serverUrl: entry.reference.serverUrl,
          username: entry.key,
          secret: entry.secret,
        });
      }
      this.pending.delete(machine);
    }
    const storage = this.storage.get(machine);
    return storage !== undefined && storage.keys.length > 0 ? storage : undefined;
  }

  /**
   * Erases machine `machine`'s secrets from their helpers: the references in its driver config, or,
   * when the config could not be read, whatever the configured helper holds under the machine's
   * server URLs. A failure carries the command that erases by hand.
   */
  async erase(machine: string, driverConfig: DriverConfig | undefined): Promise<void> {
    this.pending.delete(machine);
    const references =
      driverConfig === undefined ? await this.sweep(machine) : [...secretReferencesIn(driverConfig).values()];
    for (const reference of references) {
      this.known.delete(formatSecretReference(reference));
      const helper = this.helper(reference.helper);
      try {
        await helper.erase(reference.serverUrl);
      } catch (error) {
        if (error instanceof Error && 'actions' in error && Array.isArray(error.actions)) {
          error.actions.unshift(`Erase it by hand: printf %s '${reference.serverUrl}' | ${helper.executable} erase`);
        }
        throw error;
      }
    }
  }

  /** What the configured helper holds for `machine` (rm -f of a machine whose config is unreadable). */
  private async sweep(machine: string): Promise<SecretReference[]> {
    const name = await this.configuredHelper().catch(() => undefined);
    if (name === undefined) return [];
    const prefix = machineSecretsPrefix(machine);
    const entries = await this.helper(name).list();
    return Object.keys(entries)
      .filter((url) => url.startsWith(prefix))
      .map((serverUrl) => ({ helper: name, serverUrl }));
  }

  /** The reference for `key` after a driver answered `value`: stored again only when it changed. */
  private async keep(machine: string, key: string, reference: SecretReference, value: string): Promise<string> {
    const formatted = formatSecretReference(reference);
    const current = await this.known.get(formatted)?.catch(() => undefined);
    if (current !== value) {
      const waiting = this.pending.get(machine)?.get(key);
      if (waiting !== undefined && waiting.reference.serverUrl === reference.serverUrl) waiting.secret = value;
      else await this.helper(reference.helper).store({ serverUrl: reference.serverUrl, username: key, secret: value });
      this.known.set(formatted, Promise.resolve(value));
    }
    return formatted;
  }

  private secretOf(key: string, reference: SecretReference): Promise<string> {
    const formatted = formatSecretReference(reference);
    let secret = this.known.get(formatted);
    if (secret === undefined) {
      const helper = this.helper(reference.helper);
      secret = helper.get(reference.serverUrl).then((entry) => {
        if (entry === undefined) throw new CredentialNotFoundError(helper.executable, reference.serverUrl, key);
        return entry.secret;
      });
      // A failed read is not cached: the next command (or call) asks again.
      const asked = secret;
      asked.catch(() => {
        if (this.known.get(formatted) === asked) this.known.delete(formatted);
      });
      this.known.set(formatted, asked);
    }
    return secret;
  }

  private pendingOf(machine: string): Map<string, PendingSecret> {
    let waiting = this.pending.get(machine);
    if (waiting === undefined) {
      waiting = new Map();
      this.pending.set(machine, waiting);
    }
    return waiting;
  }

  private configuredHelper(): Promise<string | undefined> {
    this.configured ??= configuredCredentialHelper(this.env);
    return this.configured;
  }

  private helper(name: string): CredentialHelper {
    let helper = this.helpers.get(name);
    if (helper === undefined) {
      helper = new CredentialHelper(name, { env: this.env, limit: this.limit });
      this.helpers.set(name, helper);
    }
    return helper;
  }
}
