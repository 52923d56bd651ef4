import type { Driver } from '@berth/driver-protocol';
import { DRIVER_COOKIE_ENV, DRIVER_COOKIE_VALUE, PROTOCOL_VERSION } from '@berth/driver-protocol';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { serveConnection } from './serve-connection.js';

/** How long a driver may linger after stdin EOF once no call is running. */
const LINGER_AFTER_EOF_MS = 500;

/**
 * The whole `main` of a driver executable: runs `driver` as a plugin on stdin/stdout.
 *
 * - Without the cookie in its environment (run by hand) it explains itself on stderr and exits 1,
 *   so nothing but frames ever reaches stdout.
 * - It exits 0 when stdin reaches EOF (the host closing the pipe ends the driver; no heartbeat),
 *   once the calls still in flight have answered.
 */
export function serve(driver: Driver): void {
  if (process.env[DRIVER_COOKIE_ENV] !== DRIVER_COOKIE_VALUE) {
    process.stderr.write(
      `berth-driver-${driver.name} ${driver.version} is a Berth driver plugin (driver protocol ${PROTOCOL_VERSION}). ` +
        'It speaks JSON-RPC on stdin/stdout and is not meant to be run directly: berth starts it when a ' +
        `command needs it, e.g. "berth create -d ${driver.name} NAME".\n`,
    );
    process.exit(1);
  }
  const connection = createMessageConnection(
    new StreamMessageReader(process.stdin),
    new StreamMessageWriter(process.stdout),
  );
  const served = serveConnection(driver, connection);
  let ending = false;
  const end = async (): Promise<void> => {
    if (ending) return;
    ending = true;
    // Let running calls answer, then leave as soon as nothing else keeps the process alive; the
    // unref'd timer only cuts short handles a driver forgot to close.
    await served.idle();
    setTimeout(() => process.exit(0), LINGER_AFTER_EOF_MS).unref();
  };
  process.stdin.on('end', end);
  connection.onClose(end);
}
