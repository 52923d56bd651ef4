import { ProtocolVersionMismatchError } from './error-classes.js';
import { protocolMajor } from './version.js';

/** Both ends of a handshake, as far as the side raising the error knows them. */
export interface HandshakeEnds {
  hostName: string;
  hostVersion: string;
  hostProtocol: string;
  driverName: string;
  /** Unknown when the host raises the error before reading the driver's description. */
  driverVersion?: string;
  driverProtocol: string;
}

/**
 * The error for a handshake whose protocol majors differ. It names both versions and says which
 * side to upgrade: the one with the lower major.
 */
export function protocolVersionMismatch(ends: HandshakeEnds): ProtocolVersionMismatchError {
  const driver = `the ${ends.driverName} driver${ends.driverVersion === undefined ? '' : ` ${ends.driverVersion}`}`;
  const hostOlder = protocolMajor(ends.hostProtocol) < protocolMajor(ends.driverProtocol);
  const upgrade = hostOlder
    ? `Upgrade ${ends.hostName} to a version that speaks driver protocol ${protocolMajor(ends.driverProtocol)}.x, or install an older ${ends.driverName} driver.`
    : `Upgrade the ${ends.driverName} driver to a version that speaks driver protocol ${protocolMajor(ends.hostProtocol)}.x.`;
  return new ProtocolVersionMismatchError(
    `${ends.hostName} ${ends.hostVersion} speaks driver protocol ${ends.hostProtocol}, but ${driver} speaks ${ends.driverProtocol}`,
    {
      actions: [upgrade],
      data: {
        driver: ends.driverName,
        hostProtocolVersion: ends.hostProtocol,
        driverProtocolVersion: ends.driverProtocol,
      },
    },
  );
}
