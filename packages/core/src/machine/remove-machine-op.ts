import { loadMachine } from '../store/load-machine.js';
import { removeMachine } from '../store/remove-machine.js';
import { withMachineLock } from '../store/store-lock.js';
import type { BerthContext } from './berth-context.js';
import { forgetDockerContext } from './docker-context.js';
import { machineParams } from './machine-params.js';
import { eraseMachineSecrets } from './machine-secrets.js';
import { leaveSwarmBeforeRemove } from './swarm-leave.js';

export interface RemoveOutcome {
  name: string;
  /** The driver's remove failed but `force` removed the local entry anyway. */
  remoteError?: unknown;
  /** The machine is gone but a credential helper could not erase its secrets (the error says how to). */
  secretError?: unknown;
  /** The machine is gone but its node is still in its swarm (a SwarmLeaveError saying what to run). */
  swarmError?: unknown;
}

export interface RemoveOptions {
  /** Remove the local entry even when the config cannot be read or the driver fails. */
  force: boolean;
  /** Steps before the driver's remove (leaving a swarm), one line each. */
  progress?: (line: string) => void;
}

/**
 * `rm`: a swarm-mode machine leaves its swarm, the driver removes what it created, then the local
 * entry goes. With `force` the local entry goes even when the config cannot be read or the driver
 * fails (the error is reported).
 */
export async function removeMachineOp(ctx: BerthContext, name: string, options: RemoveOptions): Promise<RemoveOutcome> {
  const { force, progress = () => undefined } = options;
  return withMachineLock(ctx.store, name, async () => {
    let remoteError: unknown;
    let swarmError: unknown;
    let driverConfig: Record<string, unknown> | undefined;
    try {
      const record = await loadMachine(ctx.store, name);
      driverConfig = record.config.Driver;
      const driver = await ctx.drivers.get(record.config.DriverName);
      swarmError = await leaveSwarmBeforeRemove(ctx, record, driver, { progress });
      await driver.remove(machineParams(ctx.store, record));
    } catch (error) {
      if (!force) throw error;
      remoteError = error;
    }
    await removeMachine(ctx.store, name);
    await forgetDockerContext(ctx, name);
    const secretError = await eraseMachineSecrets(ctx, name, driverConfig);
    return {
      name,
      ...(remoteError === undefined ? {} : { remoteError }),
      ...(secretError === undefined ? {} : { secretError }),
      ...(swarmError === undefined ? {} : { swarmError }),
    };
  });
}
