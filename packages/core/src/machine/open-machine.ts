import type { RemoteDriver } from '../driver-host/remote-driver.js';
import { loadMachine, type MachineRecord } from '../store/load-machine.js';
import type { BerthContext } from './berth-context.js';

export interface OpenMachine {
  record: MachineRecord;
  driver: RemoteDriver;
}

/** Loads a machine and its driver process (shared with every other machine of that driver). */
export async function openMachine(ctx: BerthContext, name: string): Promise<OpenMachine> {
  const record = await loadMachine(ctx.store, name);
  const driver = await ctx.drivers.get(record.config.DriverName);
  return { record, driver };
}
