import { PassThrough } from 'node:stream';
import type { MessageConnection } from 'vscode-jsonrpc';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';

/** Two real JSON-RPC connections wired back to back over in-memory streams. */
export interface ConnectionPair {
  host: MessageConnection;
  driver: MessageConnection;
  dispose(): void;
}

export function connectionPair(): ConnectionPair {
  const hostToDriver = new PassThrough();
  const driverToHost = new PassThrough();
  const host = createMessageConnection(new StreamMessageReader(driverToHost), new StreamMessageWriter(hostToDriver));
  const driver = createMessageConnection(new StreamMessageReader(hostToDriver), new StreamMessageWriter(driverToHost));
  return {
    host,
    driver,
    dispose() {
      host.dispose();
      driver.dispose();
      hostToDriver.destroy();
      driverToHost.destroy();
    },
  };
}
