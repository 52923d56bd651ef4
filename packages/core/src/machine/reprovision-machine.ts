import { waitForSsh } from '@berth/driver-sdk/ssh';
import type { RemoteDriver } from '../driver-host/remote-driver.js';
import type { ProvisionResult } from '../provision/provision-context.js';
import { provisionMachine } from '../provision/provision-machine.js';
import type { MachineRecord } from '../store/load-machine.js';
import { saveMachine } from '../store/save-machine.js';
import { withMachineLock } from '../store/store-lock.js';
import type { BerthContext } from './berth-context.js';
import { keepDockerContext } from './docker-context.js';
import { machineParams } from './machine-params.js';
import { openMachine } from './open-machine.js';
import { sshTarget } from './ssh-target.js';

export interface ReprovisionOptions {
  progress: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Runs the full provisioner again with the stored options (`provision`, `regenerate-certs`):
 * a new server certificate for the machine's current address, daemon configuration, restart.
 */
export async function reprovisionMachine(
  ctx: BerthContext,
  name: string,
  options: ReprovisionOptions,
): Promise<ProvisionResult> {
  return withMachineLock(ctx.store, name, async () => {
    const { record, driver } = await openMachine(ctx, name);
    return reprovisionRecord(ctx, record, driver, options);
  });
}

/** The same, for a machine the caller already holds the lock of. */
export async function reprovisionRecord(
  ctx: BerthContext,
  record: MachineRecord,
  driver: RemoteDriver,
  options: ReprovisionOptions,
): Promise<ProvisionResult> {
  const params = machineParams(ctx.store, record);
  const target = await sshTarget(ctx.store, record, driver);
  options.progress('Waiting for SSH to be available...');
  const ssh = await waitForSsh(target, { timeoutMs: 120_000, signal: options.signal });
  try {
    const [{ ip }, { url }] = await Promise.all([driver.getIp(params), driver.getUrl(params)]);
    const result = await provisionMachine({
      machineName: record.name,
      driverName: driver.name,
      ssh,
      engine: record.config.HostOptions.EngineOptions,
      auth: record.config.HostOptions.AuthOptions,
      ip,
      engineUrl: url,
      progress: options.progress,
      signal: options.signal,
    });
    await saveMachine(ctx.store, record.config);
    await keepDockerContext(ctx, record, driver, options.progress);
    return result;
  } finally {
    ssh.close();
  }
}
