import type { MachineParams } from '@berth/driver-protocol';
import type { MachineRecord } from '../store/load-machine.js';
import type { Store } from '../store/store-layout.js';

/** The params every `machine/*` call carries for a stored machine. */
export function machineParams(store: Store, record: MachineRecord): MachineParams {
  return {
    machine: { name: record.name, storePath: store.root, machineDir: record.dir, driverConfig: record.config.Driver },
  };
}
