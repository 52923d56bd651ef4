import { connectEngine, EngineIdentity } from '../engine/engine-connection.js';
import { parseEngineUrl } from '../engine/engine-tls.js';
import { EngineCertificateError } from '../errors/engine-errors.js';
import type { MachineRecord } from '../store/load-machine.js';
import { engineTlsFor } from './engine-tls-files.js';

/**
 * The check `env` and `config` run before printing anything: a mutual-TLS
 * handshake with the engine, verifying its certificate against the machine's CA and address
 * (engine-connection.ts).
 */
export async function checkConnection(record: MachineRecord, url: string, timeoutMs = 10_000): Promise<void> {
  const { host, port } = parseEngineUrl(url);
  const tls = await engineTlsFor(record.config);
  const hostPort = `${host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const fail = (detail: string, cause?: unknown) => {
      clearTimeout(timer);
      reject(new EngineCertificateError(hostPort, detail, record.name, cause));
    };
    let identity: EngineIdentity;
    try {
      identity = new EngineIdentity(tls);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), error);
      return;
    }
    const socket = connectEngine(identity, { host, port });
    timer = setTimeout(() => {
      socket.destroy();
      fail(`no TLS handshake within ${Math.round(timeoutMs / 1000)} s`);
    }, timeoutMs);
    socket.once('secureConnect', () => {
      // A refused certificate has destroyed the socket; its error follows.
      if (socket.destroyed) return;
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ECONNREFUSED' ? `dial tcp ${hostPort}: connect: connection refused` : error.message, error),
    );
  });
}
