import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DockerContextWriteError } from '../errors/docker-context-errors.js';
import { writeFilesAtomic } from '../store/atomic-write.js';
import { errnoCode } from '../store/fs-error.js';

/**
 * The docker CLI's context store (`<config dir>/contexts`), in its own layout, so `docker context`
 * reads what Berth writes: `meta/<sha256 of name>/meta.json` holds the name, free metadata and the
 * endpoints; `tls/<sha256 of name>/<endpoint>/{ca,cert,key}.pem` the TLS material. Docker's own
 * modes are kept: metadata 0755/0644, TLS material 0700/0600.
 */

/** The one endpoint a Docker engine context has. */
export const DOCKER_ENDPOINT = 'docker';

const META_FILE = 'meta.json';
const TLS_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

/** `Endpoints.docker` of a context: the engine's address and whether its certificate goes unchecked. */
export interface DockerEndpointMeta {
  Host: string;
  SkipTLSVerify: boolean;
}

/** What meta.json holds (the docker CLI's `store.Metadata`). */
export interface ContextMeta {
  Name: string;
  Metadata?: Record<string, unknown>;
  Endpoints?: Record<string, unknown>;
}

/** The client identity and CA a context's docker endpoint talks TLS with. */
export interface ContextTls {
  ca: string | Uint8Array;
  cert: string | Uint8Array;
  key: string | Uint8Array;
}

/** A context to write: its docker endpoint, its metadata and its TLS material. */
export interface ContextToWrite {
  name: string;
  metadata: Record<string, unknown>;
  docker: DockerEndpointMeta;
  tls: ContextTls;
}

/** A context as found on disk: absent, or its meta.json (parsed when it is a JSON object with a name). */
export type FoundContext = { exists: false } | { exists: true; metaPath: string; meta: ContextMeta | undefined };

/** The directory name the docker CLI keys a context by: the hex SHA-256 of its name. */
export function contextId(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function contextMetaDir(configDir: string, name: string): string {
  return join(configDir, 'contexts', 'meta', contextId(name));
}

export function contextTlsDir(configDir: string, name: string): string {
  return join(configDir, 'contexts', 'tls', contextId(name));
}

/** meta.json as docker's json.Marshal writes it (struct order, compact). */
export function serializeMeta(context: Pick<ContextToWrite, 'name' | 'metadata' | 'docker'>): string {
  return JSON.stringify({
    Name: context.name,
    Metadata: context.metadata,
    Endpoints: { [DOCKER_ENDPOINT]: { Host: context.docker.Host, SkipTLSVerify: context.docker.SkipTLSVerify } },
  });
}

export async function findContext(configDir: string, name: string): Promise<FoundContext> {
  const metaPath = join(contextMetaDir(configDir, name), META_FILE);
  let raw: string;
  try {
    raw = await readFile(metaPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return { exists: false };
    throw new DockerContextWriteError(metaPath, error);
  }
  return { exists: true, metaPath, meta: parseMeta(raw) };
}

function parseMeta(raw: string): ContextMeta | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (!isObject(value) || typeof value.Name !== 'string') return undefined;
    return {
      Name: value.Name,
      ...(isObject(value.Metadata) ? { Metadata: value.Metadata } : {}),
      ...(isObject(value.Endpoints) ? { Endpoints: value.Endpoints } : {}),
    };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Creates or replaces a context. The TLS material is written first and all at once (cert and key
 * never mismatch), meta.json last: `docker context ls` sees the context only once it is whole.
 * Files already holding the same bytes are left alone. Returns whether anything was written.
 */
export async function writeContext(configDir: string, context: ContextToWrite): Promise<boolean> {
  const metaDir = contextMetaDir(configDir, context.name);
  const endpointTlsDir = join(contextTlsDir(configDir, context.name), DOCKER_ENDPOINT);
  const metaPath = join(metaDir, META_FILE);
  const tlsFiles = (Object.keys(TLS_FILES) as Array<keyof ContextTls>).map((which) => ({
    path: join(endpointTlsDir, TLS_FILES[which]),
    data: Buffer.from(context.tls[which]),
  }));
  const meta = serializeMeta(context);
  try {
    const staleTls = await changedFiles(tlsFiles);
    const metaChanged = (await readIfExists(metaPath))?.toString('utf8') !== meta;
    if (staleTls.length > 0) {
      await mkdir(join(configDir, 'contexts', 'tls'), { recursive: true, mode: 0o700 });
      await mkdir(endpointTlsDir, { recursive: true, mode: 0o700 });
      await writeFilesAtomic(tlsFiles.map((file) => ({ ...file, mode: 0o600 })));
    }
    if (metaChanged) {
      await mkdir(metaDir, { recursive: true, mode: 0o755 });
      await writeFilesAtomic([{ path: metaPath, data: meta, mode: 0o644 }]);
    }
    return staleTls.length > 0 || metaChanged;
  } catch (error) {
    throw new DockerContextWriteError(join(configDir, 'contexts'), error);
  }
}

async function changedFiles(files: ReadonlyArray<{ path: string; data: Buffer }>) {
  const current = await Promise.all(files.map((file) => readIfExists(file.path)));
  return files.filter((file, index) => !current[index]?.equals(file.data));
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Removes a context's metadata (first: it stops being listed) and its TLS material, as `docker context rm`. */
export async function removeContext(configDir: string, name: string): Promise<void> {
  for (const dir of [contextMetaDir(configDir, name), contextTlsDir(configDir, name)]) {
    try {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      throw new DockerContextWriteError(dir, error);
    }
  }
}
