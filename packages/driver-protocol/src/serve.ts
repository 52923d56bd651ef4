import { ResponseError } from 'vscode-jsonrpc';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import type { Driver } from './driver.js';
import { isBerthError, ProtocolVersionMismatchError } from './errors.js';
import { type BerthErrorData, Initialize } from './methods.js';
import { DRIVER_COOKIE_ENV, DRIVER_COOKIE_VALUE, PROTOCOL_VERSION, protocolMajor } from './version.js';

/** Application error code used for every BerthError on the wire (outside JSON-RPC's reserved range). */
export const BERTH_ERROR_CODE = 1;

function toResponseError(error: unknown, driverName: string): ResponseError<BerthErrorData> {
  if (isBerthError(error)) {
    return new ResponseError(BERTH_ERROR_CODE, error.message, {
      code: error.code,
      actions: error.actions,
      data: error.data,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(BERTH_ERROR_CODE, `${driverName} driver: ${message}`, {
    code: 'Internal',
    actions: [],
    data: {},
  });
}

/**
 * Runs `driver` as a plugin on stdin/stdout. Run by hand (without the cookie) it explains
 * itself on stderr and exits 1, so nothing but frames ever reaches stdout.
 */
export function serve(driver: Driver): void {
  if (process.env[DRIVER_COOKIE_ENV] !== DRIVER_COOKIE_VALUE) {
    process.stderr.write(
      `berth-driver-${driver.name} ${driver.version} is a Berth driver plugin (protocol ${PROTOCOL_VERSION}). ` +
        'It speaks JSON-RPC on stdin/stdout and is not meant to be run directly: run it through berth, ' +
        `e.g. "berth create -d ${driver.name} NAME".\n`,
    );
    process.exit(1);
  }
  const connection = createMessageConnection(
    new StreamMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  connection.onRequest(Initialize.type, (params) => {
    try {
      if (protocolMajor(params.protocolVersion) !== protocolMajor(PROTOCOL_VERSION)) {
        throw new ProtocolVersionMismatchError(
          `berth ${params.hostVersion} speaks driver protocol ${params.protocolVersion}, but driver ` +
            `"${driver.name}" ${driver.version} speaks ${PROTOCOL_VERSION}`,
          { actions: ['Install versions of berth and of the driver that share a protocol major version.'] },
        );
      }
      return {
        name: driver.name,
        version: driver.version,
        protocolVersion: PROTOCOL_VERSION,
        capabilities: driver.capabilities(),
        createFlags: driver.createFlags(),
      };
    } catch (error) {
      return toResponseError(error, driver.name);
    }
  });
  // No heartbeat: the host closing our stdin ends the driver.
  process.stdin.on('end', () => process.exit(0));
  connection.listen();
}
