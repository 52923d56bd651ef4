import type { MachineState } from '@berth/driver-protocol';

/** A machine's state from VirtualBox's VMState (Docker Machine's mapping: the rest is None). */
export function machineStateOf(vmState: string | undefined): MachineState {
  switch (vmState) {
    case 'running':
      return 'Running';
    case 'paused':
      return 'Paused';
    case 'saved':
      return 'Saved';
    case 'poweroff':
    case 'aborted':
      return 'Stopped';
    case 'starting':
    case 'restoring':
      return 'Starting';
    case 'stopping':
    case 'saving':
      return 'Stopping';
    default:
      return 'None';
  }
}
