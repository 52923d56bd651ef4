import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { OpenAPIBackend } from 'openapi-backend';

/** Environment variable that points at another copy of the official spec. */
export const DIGITALOCEAN_SPEC_ENV = 'BERTH_DIGITALOCEAN_SPEC';

/** The official DigitalOcean OpenAPI 3.0 spec, next to the repository: `../shared/specs/digitalocean/`. */
export function digitalOceanSpecPath(): string {
  const fromEnv = process.env[DIGITALOCEAN_SPEC_ENV];
  if (fromEnv) return fromEnv;
  // dist/simulators/digitalocean/ → the repository root is five levels up; `shared` sits beside it.
  return fileURLToPath(
    new URL('../../../../../../shared/specs/digitalocean/digitalocean-public.v2.json', import.meta.url),
  );
}

// ajv knows no OpenAPI formats by itself: these make the spec's `format`s checks, not comments.
const FORMATS: Record<string, (value: string) => boolean> = {
  'date-time': (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value),
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value),
  ipv4: (value) => isIP(value) === 4,
  ipv6: (value) => isIP(value) === 6,
  uuid: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  uri: (value) => URL.canParse(value),
  url: (value) => URL.canParse(value),
  email: (value) => /^[^@\s]+@[^@\s]+$/.test(value),
  hostname: (value) => /^[a-z0-9.-]+$/i.test(value),
  cidr: (value) => /^[0-9a-f.:]+\/\d{1,3}$/i.test(value),
  uint32: () => true,
  uint64: () => true,
  rfc5424: () => true,
  rfc3164: () => true,
  string: () => true,
};

let shared: Promise<OpenAPIBackend> | undefined;

/**
 * The spec loaded once per process into openapi-backend (routing and ajv validation). Fails with
 * a message naming the file when the spec is not where it should be.
 */
export function digitalOceanApi(): Promise<OpenAPIBackend> {
  shared ??= (async () => {
    const path = digitalOceanSpecPath();
    if (!existsSync(path)) {
      throw new Error(
        `The official DigitalOcean OpenAPI spec is missing at ${path}: the DigitalOcean simulator validates ` +
          `every request and answer against it. Put digitalocean-public.v2.json there or set ${DIGITALOCEAN_SPEC_ENV}.`,
      );
    }
    const definition = JSON.parse(await readFile(path, 'utf8'));
    const api = new OpenAPIBackend({
      definition,
      quick: true,
      validate: true,
      ajvOpts: { allErrors: true },
      customizeAjv: (ajv) => {
        for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
        return ajv;
      },
    });
    await api.init();
    return api;
  })();
  return shared;
}
