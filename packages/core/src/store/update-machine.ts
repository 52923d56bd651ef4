import { CURRENT_CONFIG_VERSION, type HostConfig } from './host-config.js';
import { loadMachine, type MachineRecord } from './load-machine.js';
import { saveMachine } from './save-machine.js';
import type { Store } from './store-layout.js';
import { type StoreLockOptions, withMachineLock } from './store-lock.js';

/**
 * Read-modify-write of one machine under its lock, so concurrent commands never lose each other's
 * changes. `change` edits the record in place (or returns a replacement); its Name is kept.
 */
export function updateMachine(
  store: Store,
  name: string,
  change: (config: HostConfig) => HostConfig | undefined | Promise<HostConfig | undefined>,
  options?: StoreLockOptions,
): Promise<MachineRecord> {
  return withMachineLock(
    store,
    name,
    async () => {
      const current = await loadMachine(store, name);
      const config = (await change(current.config)) ?? current.config;
      config.Name = name;
      await saveMachine(store, config);
      return { ...current, config, sourceVersion: CURRENT_CONFIG_VERSION };
    },
    options,
  );
}
