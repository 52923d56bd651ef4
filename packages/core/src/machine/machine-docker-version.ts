import { DockerVersionUnavailableError } from '../errors/engine-errors.js';
import type { BerthContext } from './berth-context.js';
import { engineTlsFor } from './engine-tls-files.js';
import { urlOf } from './machine-url.js';
import { openMachine } from './open-machine.js';

/** How long `version NAME` waits for the engine, as docker-machine's client did. */
const VERSION_TIMEOUT_MS = 20_000;

/**
 * The Docker engine version of machine `name` (`version NAME`), asked over the machine's own TLS.
 * The query and node:https load only here: `ip`, `env` and the other quick commands never pay for
 * them. Any failure of the query is docker-machine's one "Unable to query docker version" error;
 * a machine that cannot be opened or has no URL fails with that error as it is.
 */
export async function machineDockerVersion(ctx: BerthContext, name: string): Promise<string> {
  const machine = await openMachine(ctx, name);
  const url = await urlOf(ctx, machine);
  const { getEngineVersion } = await import('../engine/engine-version.js');
  try {
    const tls = await engineTlsFor(machine.record.config);
    return (await getEngineVersion({ url, tls, timeoutMs: VERSION_TIMEOUT_MS })).Version;
  } catch (error) {
    throw new DockerVersionUnavailableError(name, error);
  }
}
