import { connect } from 'node:tls';
import { parseEngineUrl } from '../engine/engine-tls.js';
import { EngineCertificateError } from '../errors/engine-errors.js';
import type { MachineRecord } from '../store/load-machine.js';
import { engineTlsFor } from './engine-tls-files.js';

/**
 * The check `env` and `config` run before printing anything: a mutual-TLS
 * handshake with the engine, verifying its certificate against the machine's CA and address.
 */
export async function checkConnection(record: MachineRecord, url: string, timeoutMs = 10_000): Promise<void> {
  const { host, port } = parseEngineUrl(url);
  const tls = await engineTlsFor(record.config);
  const hostPort = `${host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: isIp(host) ? undefined : host,
    });
    const fail = (detail: string, cause?: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new EngineCertificateError(hostPort, detail, record.name, cause));
    };
    const timer = setTimeout(() => fail(`no TLS handshake within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(error.code === 'ECONNREFUSED' ? `dial tcp ${hostPort}: connect: connection refused` : error.message, error),
    );
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
