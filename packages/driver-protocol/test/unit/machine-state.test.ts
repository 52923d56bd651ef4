import { describe, expect, it } from 'vitest';
import { isMachineState, LEGACY_STATE_ORDER, stateDisplayName } from '../../src/index.js';

describe('machine states', () => {
  it("keeps Docker Machine's integer order", () => {
    expect(LEGACY_STATE_ORDER.indexOf('None')).toBe(0);
    expect(LEGACY_STATE_ORDER.indexOf('Running')).toBe(1);
    expect(LEGACY_STATE_ORDER.indexOf('Stopped')).toBe(4);
    expect(LEGACY_STATE_ORDER.indexOf('Timeout')).toBe(8);
  });

  it('displays None as an empty string and the others by name', () => {
    expect(stateDisplayName('None')).toBe('');
    expect(stateDisplayName('Running')).toBe('Running');
    expect(stateDisplayName('Timeout')).toBe('Timeout');
  });

  it('recognises only the wire names', () => {
    expect(isMachineState('Saved')).toBe(true);
    expect(isMachineState('running')).toBe(false);
    expect(isMachineState(1)).toBe(false);
  });
});
