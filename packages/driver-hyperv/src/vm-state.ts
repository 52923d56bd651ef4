import type { MachineState } from '@berth/driver-protocol';

/**
 * A machine's state from its VM's state name (Get-VM's `State` as text: the numbers differ between
 * Windows builds). docker-machine knew only Running and Off (everything else was None); Berth also
 * names the states it has words for, and a VM whose storage is unavailable (`*Critical`) is Error.
 */
export function machineStateOf(vmState: string): MachineState {
  switch (vmState) {
    case 'Running':
      return 'Running';
    case 'Off':
      return 'Stopped';
    case 'Saved':
      return 'Saved';
    case 'Paused':
      return 'Paused';
    case 'Starting':
      return 'Starting';
    case 'Stopping':
      return 'Stopping';
    default:
      return vmState.endsWith('Critical') ? 'Error' : 'None';
  }
}
