import type { CreateFlag, FlagValues } from '@berth/driver-protocol';

/** Replacement shown instead of a secret value. */
export const REDACTED = '<redacted>';

/**
 * Remembers the values of secret create flags (`secret: true`) and blanks them out of text that
 * comes from a driver (log lines, progress, stderr, error messages) before the host shows it.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();

  /** Records the secret values among `values`, as declared by `flags`. */
  addFlagValues(flags: readonly CreateFlag[], values: FlagValues): void {
    for (const flag of flags) {
      if (flag.secret !== true) continue;
      const value = values[flag.name];
      for (const secret of Array.isArray(value) ? value : [value]) {
        if (typeof secret === 'string' && secret.length > 0) this.secrets.add(secret);
      }
    }
  }

  /** Records the values of driver-config keys the driver declared secret (e.g. `AccessToken`). */
  addConfigValues(keys: readonly string[], driverConfig: Readonly<Record<string, unknown>>): void {
    for (const key of keys) {
      const value = driverConfig[key];
      if (typeof value === 'string' && value.length > 0) this.secrets.add(value);
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(REDACTED);
    return result;
  }
}
