import { isBerthError } from '@berth/driver-protocol';
import { type FoundContext, findContext, removeContext, writeContext } from '../docker-context/context-store.js';
import { dockerConfigFile, readCurrentContext, setCurrentContext } from '../docker-context/current-context.js';
import { dockerConfigDir } from '../docker-context/docker-config-dir.js';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import { DockerConfigDirUnknownError, DockerContextTakenError } from '../errors/docker-context-errors.js';
import { type MachineRecord, machineExists } from '../store/load-machine.js';
import { storeAt } from '../store/store-layout.js';
import type { BerthContext } from './berth-context.js';
import { engineTlsFor } from './engine-tls-files.js';
import { machineParams } from './machine-params.js';
import { openMachine } from './open-machine.js';

/**
 * Every machine has a docker context in the docker CLI's own store, named `berth-<machine>`: the
 * prefix keeps Berth off the user's own contexts (and off `default`, which docker reserves and is
 * docker-machine's usual machine name), as lima and colima prefix theirs. A context is Berth's when
 * its metadata carries the `Berth` mark with this store and machine; one Berth made for a machine
 * that no longer exists is replaced, any other is never touched.
 */

export const DOCKER_CONTEXT_PREFIX = 'berth-';

export function dockerContextName(machineName: string): string {
  return `${DOCKER_CONTEXT_PREFIX}${machineName}`;
}

/** What Berth writes into a context's metadata to know it as its own. */
interface BerthMark {
  Machine: string;
  StorePath: string;
}

function berthMark(found: FoundContext): BerthMark | undefined {
  if (!found.exists) return undefined;
  const mark = found.meta?.Metadata?.Berth;
  if (typeof mark !== 'object' || mark === null) return undefined;
  const { Machine, StorePath } = mark as Record<string, unknown>;
  return typeof Machine === 'string' && typeof StorePath === 'string' ? { Machine, StorePath } : undefined;
}

function isMarkOf(mark: BerthMark | undefined, ctx: BerthContext, machineName: string): boolean {
  return mark !== undefined && mark.Machine === machineName && mark.StorePath === ctx.store.root;
}

/** Whether Berth may write this context for the machine: absent, its own, or left by a removed machine. */
async function mayWrite(ctx: BerthContext, found: FoundContext, machineName: string): Promise<boolean> {
  if (!found.exists) return true;
  const mark = berthMark(found);
  if (mark === undefined) return false;
  if (isMarkOf(mark, ctx, machineName)) return true;
  try {
    return !(await machineExists(storeAt(mark.StorePath), mark.Machine));
  } catch {
    return false;
  }
}

function requireConfigDir(ctx: BerthContext): string {
  const dir = dockerConfigDir(ctx.env);
  if (dir === undefined) throw new DockerConfigDirUnknownError();
  return dir;
}

/**
 * Writes or refreshes machine `record`'s context for the engine at `url` with the TLS identity
 * Berth itself uses (the same as `env` gives the docker CLI).
 * @throws DockerContextTakenError when a context of that name is not Berth's to replace
 */
export async function writeMachineContext(ctx: BerthContext, record: MachineRecord, url: string): Promise<string> {
  const configDir = requireConfigDir(ctx);
  const name = dockerContextName(record.name);
  const found = await findContext(configDir, name);
  if (!(await mayWrite(ctx, found, record.name))) {
    throw new DockerContextTakenError(name, record.name, found.exists ? found.metaPath : configDir);
  }
  const mark: BerthMark = { Machine: record.name, StorePath: ctx.store.root };
  await writeContext(configDir, {
    name,
    // Keys in Go's sorted map order, as docker would rewrite them.
    metadata: { Berth: mark, Description: `Berth machine ${record.name} (${record.config.DriverName})` },
    docker: { Host: url, SkipTLSVerify: false },
    tls: await engineTlsFor(record.config),
  });
  return name;
}

/**
 * The hook of create, reprovision and start: keeps the machine's context in step with its URL and
 * certificates. It never fails the operation (the machine works without it): a context Berth may
 * not write, or could not, is said in a progress line. Without a docker config directory in the
 * environment there is no context to keep.
 */
export async function keepDockerContext(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  progress: (line: string) => void,
): Promise<void> {
  if (dockerConfigDir(ctx.env) === undefined) return;
  try {
    const { url } = await driver.getUrl(machineParams(ctx.store, record));
    await writeMachineContext(ctx, record, url);
  } catch (error) {
    progress(`Warning: docker context "${dockerContextName(record.name)}" was not updated: ${messageOf(error)}`);
    if (isBerthError(error)) for (const action of error.actions) progress(`  ${action}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The hook of rm: removes the machine's context if it is Berth's, and if it was the current one
 * goes back to the default context (docker would otherwise fail on a context that is gone).
 * It never fails the removal: the machine is gone already, and a context left behind is replaced
 * by the next machine of that name.
 */
export async function forgetDockerContext(ctx: BerthContext, machineName: string): Promise<void> {
  const configDir = dockerConfigDir(ctx.env);
  if (configDir === undefined) return;
  const name = dockerContextName(machineName);
  try {
    const found = await findContext(configDir, name);
    if (!isMarkOf(berthMark(found), ctx, machineName)) return;
    await removeContext(configDir, name);
    if ((await readCurrentContext(configDir)) === name) await setCurrentContext(configDir, undefined);
  } catch {
    // Nothing to report it on (rm prints its own outcome); see above.
  }
}

/** An environment variable that makes the docker CLI use another context than config.json's. */
export interface ContextOverride {
  variable: 'DOCKER_HOST' | 'DOCKER_CONTEXT';
  value: string;
}

/**
 * What in `env` would make a plain `docker` ignore the current context `wanted` (undefined: the
 * default one): DOCKER_HOST selects the default context (which is then what it names), and
 * DOCKER_CONTEXT another one.
 */
export function contextOverrides(env: NodeJS.ProcessEnv, wanted: string | undefined): ContextOverride[] {
  if (env.DOCKER_HOST) {
    // DOCKER_HOST wins over DOCKER_CONTEXT; for the default context it is no override at all.
    return wanted === undefined ? [] : [{ variable: 'DOCKER_HOST', value: env.DOCKER_HOST }];
  }
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== (wanted ?? 'default')) {
    return [{ variable: 'DOCKER_CONTEXT', value: env.DOCKER_CONTEXT }];
  }
  return [];
}

/** What `use` did. */
export interface UseContextResult {
  /** The context now current (`default` after an unset). */
  context: string;
  /** The machine it talks to; undefined for the default context. */
  machine?: string;
  /** The context current before. */
  previous: string;
  /** The config.json that names it. */
  configFile: string;
  /** Variables of this environment under which docker ignores it. */
  overrides: ContextOverride[];
}

/** `berth use NAME`: brings the machine's context up to date and makes it docker's current one. */
export async function useMachineContext(ctx: BerthContext, machineName: string): Promise<UseContextResult> {
  const configDir = requireConfigDir(ctx);
  const { record, driver } = await openMachine(ctx, machineName);
  const { url } = await driver.getUrl(machineParams(ctx.store, record));
  const context = await writeMachineContext(ctx, record, url);
  const previous = await setCurrentContext(configDir, context);
  return {
    context,
    machine: record.name,
    previous: previous ?? 'default',
    configFile: dockerConfigFile(configDir),
    overrides: contextOverrides(ctx.env, context),
  };
}

/** `berth use --unset`: the default context again (DOCKER_HOST, else the local engine). */
export async function useDefaultContext(ctx: BerthContext): Promise<UseContextResult> {
  const configDir = requireConfigDir(ctx);
  const previous = await setCurrentContext(configDir, undefined);
  return {
    context: 'default',
    previous: previous ?? 'default',
    configFile: dockerConfigFile(configDir),
    overrides: contextOverrides(ctx.env, undefined),
  };
}
