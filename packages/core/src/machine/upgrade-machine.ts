import { waitForSsh } from '@berth/driver-sdk/ssh';
import { waitForEngine } from '../engine/wait-for-engine.js';
import { type UpgradeResult, upgradeEngine } from '../provision/upgrade-engine.js';
import { withMachineLock } from '../store/store-lock.js';
import type { BerthContext } from './berth-context.js';
import { engineTlsFor } from './engine-tls-files.js';
import { changeMachineState, type LifecycleOptions } from './lifecycle.js';
import { machineParams } from './machine-params.js';
import { openMachine } from './open-machine.js';
import { sshTarget } from './ssh-target.js';

/** `upgrade`: start the machine if needed, upgrade the installed engine package, wait for TLS. */
export async function upgradeMachine(
  ctx: BerthContext,
  name: string,
  options: LifecycleOptions,
): Promise<UpgradeResult> {
  const { record, driver } = await openMachine(ctx, name);
  const { state } = await driver.getState(machineParams(ctx.store, record), { signal: options.signal });
  if (state !== 'Running') {
    options.progress('Starting machine so machine can be upgraded...');
    await changeMachineState(ctx, name, 'start', options);
  }
  return withMachineLock(ctx.store, name, async () => {
    const current = await openMachine(ctx, name);
    const ssh = await waitForSsh(await sshTarget(ctx.store, current.record, current.driver), {
      timeoutMs: 120_000,
      signal: options.signal,
    });
    try {
      const result = await upgradeEngine(ssh, options.progress, options.signal);
      const { url } = await current.driver.getUrl(machineParams(ctx.store, current.record));
      await waitForEngine(url, await engineTlsFor(current.record.config), 180_000, options.signal);
      return result;
    } finally {
      ssh.close();
    }
  });
}
