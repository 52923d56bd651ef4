import { describe, expect, it } from 'vitest';
import {
  LegacyProgressNotification,
  PROTOCOL_VERSION,
  ProgressNotification,
  progressNotificationFor,
  protocolAtLeast,
  protocolMajor,
  protocolVersionMismatch,
} from '../../src/index.js';

describe('protocol versions', () => {
  it('reads the major of MAJOR.MINOR, or -1', () => {
    expect(protocolMajor('1.0')).toBe(1);
    expect(protocolMajor('12.3')).toBe(12);
    expect(protocolMajor('2')).toBe(2);
    expect(protocolMajor('v1.0')).toBe(-1);
    expect(protocolMajor('')).toBe(-1);
    expect(protocolMajor(PROTOCOL_VERSION)).toBe(1);
  });

  it('compares MAJOR.MINOR within one major; anything unreadable counts as older', () => {
    expect(protocolAtLeast('1.2', '1.2')).toBe(true);
    expect(protocolAtLeast('1.10', '1.2')).toBe(true);
    expect(protocolAtLeast('1.1', '1.2')).toBe(false);
    expect(protocolAtLeast('1', '1.0')).toBe(true);
    expect(protocolAtLeast('2.0', '1.2')).toBe(false);
    expect(protocolAtLeast('', '1.2')).toBe(false);
    expect(protocolAtLeast('v1.2', '1.2')).toBe(false);
    expect(protocolAtLeast(PROTOCOL_VERSION, '1.2')).toBe(true);
  });

  it('picks driver/progress for hosts of 1.2 and later, $/progress for older ones', () => {
    expect(ProgressNotification.method).toBe('driver/progress');
    expect(LegacyProgressNotification.method).toBe('$/progress');
    expect(progressNotificationFor(PROTOCOL_VERSION)).toBe(ProgressNotification);
    expect(progressNotificationFor('1.3')).toBe(ProgressNotification);
    expect(progressNotificationFor('1.1')).toBe(LegacyProgressNotification);
    expect(progressNotificationFor('1.0')).toBe(LegacyProgressNotification);
    expect(progressNotificationFor('')).toBe(LegacyProgressNotification);
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
