import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, protocolMajor, protocolVersionMismatch } from '../../src/index.js';

describe('protocol versions', () => {
  it('reads the major of MAJOR.MINOR, or -1', () => {
    expect(protocolMajor('1.0')).toBe(1);
    expect(protocolMajor('12.3')).toBe(12);
    expect(protocolMajor('2')).toBe(2);
    expect(protocolMajor('v1.0')).toBe(-1);
    expect(protocolMajor('')).toBe(-1);
    expect(protocolMajor(PROTOCOL_VERSION)).toBe(1);
  });

  it('tells the user to upgrade the side with the older major', () => {
    const hostOlder = protocolVersionMismatch({
      hostName: 'berth',
      hostVersion: '0.1.0',
      hostProtocol: '1.0',
      driverName: 'kvm',
      driverVersion: '3.0.0',
      driverProtocol: '2.1',
    });
    expect(hostOlder.message).toBe('berth 0.1.0 speaks driver protocol 1.0, but the kvm driver 3.0.0 speaks 2.1');
    expect(hostOlder.actions[0]).toBe(
      'Upgrade berth to a version that speaks driver protocol 2.x, or install an older kvm driver.',
    );
  });
});
