import type { RemoteDriver } from '../driver-host/remote-driver.js';
import type { EngineTarget } from '../engine/swarm-api.js';
import type { MachineRecord } from '../store/load-machine.js';
import type { BerthContext } from './berth-context.js';
import { engineTlsFor } from './engine-tls-files.js';
import { machineParams } from './machine-params.js';

/** A machine's engine as an API target: the URL its driver reports and the machine's TLS files. */
export async function engineTargetOf(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  signal: AbortSignal | undefined,
): Promise<EngineTarget> {
  const [{ url }, tls] = await Promise.all([
    driver.getUrl(machineParams(ctx.store, record), { signal }),
    engineTlsFor(record.config),
  ]);
  return { url, tls, ...(signal ? { signal } : {}) };
}
