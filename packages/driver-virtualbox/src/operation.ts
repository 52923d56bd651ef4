import type { CallContext, MachineContext } from '@berth/driver-protocol';
import type { MachineJournal } from '@berth/driver-sdk';
import type { VirtualBoxConfig } from './virtualbox-config.js';
import type { VirtualBoxHost } from './virtualbox-host.js';

/** One driver call at work on one machine: what every step needs. `config` is updated as it goes. */
export interface MachineOperation {
  host: VirtualBoxHost;
  machine: MachineContext;
  config: VirtualBoxConfig;
  journal: MachineJournal;
  context: CallContext;
}

/** The VM of a machine has the machine's name, as with Docker Machine. */
export const vmName = (operation: { machine: MachineContext }): string => operation.machine.name;
