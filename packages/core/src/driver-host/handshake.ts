import {
  InitializeRequest,
  type InitializeResult,
  PROTOCOL_VERSION,
  protocolMajor,
  protocolVersionMismatch,
} from '@berth/driver-protocol';
import { driverResultInvalid } from './driver-errors.js';
import type { DriverSession } from './driver-session.js';
import { checkInitializeResult } from './result-checks.js';

export interface HandshakeOptions {
  driverName: string;
  hostName: string;
  hostVersion: string;
  timeoutMs: number;
}

/**
 * `driver/initialize`: sends the host's protocol version, then checks the driver's answer: same
 * protocol major (ProtocolVersionMismatch otherwise, naming both versions), a well-formed
 * description, and the name it was started under (DriverProtocol otherwise). A driver built on
 * `serve()` rejects a foreign major itself; that error arrives here unchanged.
 */
export async function handshake(session: DriverSession, options: HandshakeOptions): Promise<InitializeResult> {
  const { driverName } = options;
  const answer: unknown = await session.request(
    InitializeRequest,
    { protocolVersion: PROTOCOL_VERSION, hostName: options.hostName, hostVersion: options.hostVersion },
    { timeoutMs: options.timeoutMs },
  );
  const driverProtocol =
    typeof answer === 'object' && answer !== null
      ? (answer as { protocolVersion?: unknown }).protocolVersion
      : undefined;
  if (typeof driverProtocol === 'string' && protocolMajor(driverProtocol) !== protocolMajor(PROTOCOL_VERSION)) {
    const driverVersion = (answer as { version?: unknown }).version;
    throw protocolVersionMismatch({
      hostName: options.hostName,
      hostVersion: options.hostVersion,
      hostProtocol: PROTOCOL_VERSION,
      driverName,
      driverVersion: typeof driverVersion === 'string' ? driverVersion : undefined,
      driverProtocol,
    });
  }
  const description = checkInitializeResult(driverName, answer);
  if (description.name !== driverName) {
    throw driverResultInvalid(
      driverName,
      { method: InitializeRequest.method },
      `the name "${description.name}": berth-driver-${driverName} must call itself "${driverName}"`,
    );
  }
  return description;
}
