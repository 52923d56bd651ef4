import type { DriverConfig } from '@berth/driver-protocol';
import { machineConfigPath } from '../store/store-layout.js';
import type { BerthContext } from './berth-context.js';
import { secretStorageNotice } from './secret-storage-notice.js';

/**
 * Create's step once the machine's directory is claimed: its driver's secrets go to the credential
 * helper (when one is configured), and the user is told once per store where such secrets are kept.
 */
export async function keepMachineSecrets(
  ctx: BerthContext,
  name: string,
  driverName: string,
  notice: ((line: string) => void) | undefined,
): Promise<void> {
  const storage = await ctx.secrets.commit(name);
  if (storage === undefined || notice === undefined) return;
  const line = await secretStorageNotice(ctx.store, {
    driverName,
    storage,
    configPath: machineConfigPath(ctx.store, name),
  });
  if (line !== undefined) notice(line);
}

/**
 * `rm`'s last step: erases the machine's secrets from their credential helpers. Its driver config
 * names them; undefined (rm -f of an unreadable config) erases what the configured helper holds
 * under the machine's name. Answers the error instead of throwing: the machine is gone already.
 */
export async function eraseMachineSecrets(
  ctx: BerthContext,
  name: string,
  driverConfig: DriverConfig | undefined,
): Promise<unknown> {
  try {
    await ctx.secrets.erase(name, driverConfig);
    return undefined;
  } catch (error) {
    return error;
  }
}
