/**
 * How config.json points at a driver secret kept by a Docker credential helper: the value of the
 * secret key (e.g. `AccessToken`) becomes `berth-credential:<helper>:<server URL>`, e.g.
 * `berth-credential:pass:berth://machines/web/AccessToken`. The helper is named in the reference,
 * so a machine keeps working after `credsStore` changes; the server URL is the helper's key.
 *
 * docker-machine reads the reference as the secret itself and sends it to its driver, which the
 * cloud then refuses (DigitalOcean: 401). A machine stored this way is Berth's alone.
 */
export const SECRET_REFERENCE_PREFIX = 'berth-credential:';

/** Prefix of the server URLs Berth stores under; one per machine and key. */
export const SECRET_SERVER_URL_PREFIX = 'berth://machines/';

export interface SecretReference {
  /** The helper's name: `pass` for docker-credential-pass. */
  helper: string;
  serverUrl: string;
}

/** The helper's key of machine `machine`'s secret `key`. */
export function secretServerUrl(machine: string, key: string): string {
  return `${machineSecretsPrefix(machine)}${encodeURIComponent(key)}`;
}

/** What every server URL of machine `machine` starts with. */
export function machineSecretsPrefix(machine: string): string {
  return `${SECRET_SERVER_URL_PREFIX}${encodeURIComponent(machine)}/`;
}

export function formatSecretReference(reference: SecretReference): string {
  return `${SECRET_REFERENCE_PREFIX}${reference.helper}:${reference.serverUrl}`;
}

/** The reference `value` holds, or undefined for anything else (a secret stored in clear, a number...). */
export function parseSecretReference(value: unknown): SecretReference | undefined {
  if (typeof value !== 'string' || !value.startsWith(SECRET_REFERENCE_PREFIX)) return undefined;
  const rest = value.slice(SECRET_REFERENCE_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  const helper = rest.slice(0, colon);
  const serverUrl = rest.slice(colon + 1);
  // A helper name becomes part of an executable's name: no path separators, no options.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(helper) || serverUrl === '') return undefined;
  return { helper, serverUrl };
}

/** The references among a driver config's values, by key. */
export function secretReferencesIn(driverConfig: Readonly<Record<string, unknown>>): Map<string, SecretReference> {
  const found = new Map<string, SecretReference>();
  for (const [key, value] of Object.entries(driverConfig)) {
    const reference = parseSecretReference(value);
    if (reference !== undefined) found.set(key, reference);
  }
  return found;
}
