import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';

export interface HandshakeSides {
  server: { certPem: string; keyPem: string; trustedClientCaPem: string };
  client: { certPem: string; keyPem: string; trustedServerCaPem: string; host?: string };
}

export interface HandshakeResult {
  /** The client got application data, so both sides accepted each other. */
  ok: boolean;
  clientError?: string;
  serverError?: string;
  serverSawAuthorizedClient?: boolean;
}

/** Mutual TLS on loopback, as the Docker daemon (server) and the docker CLI (client) do it. */
export async function tlsHandshake(sides: HandshakeSides): Promise<HandshakeResult> {
  const result: HandshakeResult = { ok: false };
  const server = createServer(
    {
      cert: sides.server.certPem,
      key: sides.server.keyPem,
      ca: [sides.server.trustedClientCaPem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      result.serverSawAuthorizedClient = socket.authorized;
      socket.end('hello');
    },
  );
  server.on('tlsClientError', (error) => {
    result.serverError = error.message;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  try {
    await new Promise<void>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        // What the certificate must name: the address we dial, unless a name is given.
        ...(sides.client.host && sides.client.host !== '127.0.0.1'
          ? { servername: sides.client.host, checkServerIdentity: undefined }
          : {}),
        ca: [sides.client.trustedServerCaPem],
        cert: sides.client.certPem,
        key: sides.client.keyPem,
      });
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        data += chunk;
      });
      socket.on('error', (error) => {
        result.clientError = error.message;
      });
      socket.on('close', () => {
        result.ok = data === 'hello' && result.clientError === undefined;
        resolve();
      });
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return result;
}
