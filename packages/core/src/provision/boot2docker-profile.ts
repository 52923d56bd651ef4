import type { EngineOptions } from '../store/host-config.js';

/** boot2docker keeps everything that survives a reboot under this directory (its data disk). */
export const BOOT2DOCKER_DIR = '/var/lib/boot2docker';
/** The shell file boot2docker's /etc/init.d/docker sources before it starts dockerd. */
export const BOOT2DOCKER_PROFILE_PATH = `${BOOT2DOCKER_DIR}/profile`;
/** Where the daemon's TLS files live on boot2docker (instead of /etc/docker). */
export const BOOT2DOCKER_CERT_PATHS = {
  ca: `${BOOT2DOCKER_DIR}/ca.pem`,
  cert: `${BOOT2DOCKER_DIR}/server.pem`,
  key: `${BOOT2DOCKER_DIR}/server-key.pem`,
} as const;

export interface Boot2DockerProfileInput {
  enginePort: number;
  driverName: string;
  engine: EngineOptions;
}

/** A value inside a '…' shell string: a quote ends it, is written escaped, and starts it again. */
function insideSingleQuotes(value: string): string {
  return value.replaceAll("'", `'\\''`);
}

/** A word the profile assigns bare when it is plain, else single-quoted. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${insideSingleQuotes(value)}'`;
}

/** `export "K=V"`: a double-quoted word, so `"`, `$`, backquote and backslash are escaped. */
function exportLine(assignment: string): string {
  return `export "${assignment.replace(/["$`\\]/g, '\\$&')}"`;
}

/**
 * `/var/lib/boot2docker/profile` as docker-machine laid it out: a leading blank line, EXTRA_ARGS
 * with one option per line and an empty line before its closing quote, the daemon's address,
 * storage driver, TLS mode and cert paths, a blank line, then one `export` per engine env value.
 * Unlike docker-machine (whose content went through a remote `printf`), the bytes are written
 * as they are, so values are quoted for the shell that sources the file.
 */
export function renderBoot2DockerProfile(input: Boot2DockerProfileInput): string {
  const e = input.engine;
  const args: string[] = [];
  for (const label of [...(e.Labels ?? []), `provider=${input.driverName}`]) args.push(`--label ${label}`);
  for (const registry of e.InsecureRegistry ?? []) args.push(`--insecure-registry ${registry}`);
  for (const mirror of e.RegistryMirror ?? []) args.push(`--registry-mirror ${mirror}`);
  if (e.LogLevel) args.push(`--log-level=${e.LogLevel}`);
  for (const opt of e.ArbitraryFlags ?? []) args.push(`--${opt}`);
  const lines = [
    '',
    "EXTRA_ARGS='",
    ...args.map(insideSingleQuotes),
    '',
    "'",
    `CACERT=${BOOT2DOCKER_CERT_PATHS.ca}`,
    `DOCKER_HOST='-H tcp://0.0.0.0:${input.enginePort}'`,
    `DOCKER_STORAGE=${shellWord(e.StorageDriver || 'overlay2')}`,
    'DOCKER_TLS=auto',
    `SERVERKEY=${BOOT2DOCKER_CERT_PATHS.key}`,
    `SERVERCERT=${BOOT2DOCKER_CERT_PATHS.cert}`,
    '',
    ...(e.Env ?? []).map(exportLine),
  ];
  return `${lines.join('\n')}\n`;
}
