/**
 * The state of a machine as the driver sees it. Docker Machine's state enum, sent as its name
 * (Docker Machine's wire used the integer; {@link LEGACY_STATE_ORDER} keeps that order).
 */
export type MachineState =
  | 'None'
  | 'Running'
  | 'Paused'
  | 'Saved'
  | 'Stopped'
  | 'Stopping'
  | 'Starting'
  | 'Error'
  | 'Timeout';

/** Every state, in Docker Machine's integer order: index = the legacy wire integer. */
export const LEGACY_STATE_ORDER: readonly MachineState[] = [
  'None',
  'Running',
  'Paused',
  'Saved',
  'Stopped',
  'Stopping',
  'Starting',
  'Error',
  'Timeout',
];

/** How `berth ls` and `berth status` print a state: Docker Machine prints None as an empty string. */
export const STATE_DISPLAY_NAMES: Readonly<Record<MachineState, string>> = {
  None: '',
  Running: 'Running',
  Paused: 'Paused',
  Saved: 'Saved',
  Stopped: 'Stopped',
  Stopping: 'Stopping',
  Starting: 'Starting',
  Error: 'Error',
  Timeout: 'Timeout',
};

export function isMachineState(value: unknown): value is MachineState {
  return typeof value === 'string' && (LEGACY_STATE_ORDER as readonly string[]).includes(value);
}

/** The display name of a state (`''` for None). */
export function stateDisplayName(state: MachineState): string {
  return STATE_DISPLAY_NAMES[state];
}
