import type { MachineState } from '@berth/driver-protocol';

/**
 * A machine's state from qemu's run state (QMP `query-status`); `undefined` means no qemu answers
 * on the machine's socket, so the machine is off. Run states are qemu's RunState enumeration.
 */
export function machineStateOf(status: string | undefined): MachineState {
  switch (status) {
    case undefined:
      return 'Stopped';
    case 'running':
      return 'Running';
    case 'paused':
    case 'suspended':
    case 'debug':
    case 'prelaunch':
      return 'Paused';
    case 'inmigrate':
    case 'restore-vm':
      return 'Starting';
    case 'save-vm':
    case 'finish-migrate':
    case 'postmigrate':
      return 'Saved';
    // The guest powered off but qemu has not exited yet (it does so at once without -no-shutdown).
    case 'shutdown':
      return 'Stopping';
    case 'internal-error':
    case 'io-error':
    case 'guest-panicked':
    case 'watchdog':
      return 'Error';
    default:
      return 'None';
  }
}
