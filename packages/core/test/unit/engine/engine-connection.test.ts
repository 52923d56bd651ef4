import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateServerCert } from '../../../src/certs/server-cert.js';
import { connectEngine, EngineCertificateRejected, EngineIdentity } from '../../../src/engine/engine-connection.js';
import { makeClientCert, makeTestCa, type TestIdentity } from '../certs/support/test-ca.js';

// An engine's certificate is checked by Berth, not by OpenSSL (no CA in the secure context): each
// case is a real TLS server, and nothing the client wrote may reach a server that was refused.

let ca: TestIdentity;
let otherCa: TestIdentity;
let client: TestIdentity;
const servers: Server[] = [];

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([makeTestCa('tester'), makeTestCa('stranger')]);
  client = await makeClientCert(ca);
});

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

interface Served {
  port: number;
  /** What the server received from each client, once that client closed. */
  received: Promise<string>;
}

/** A mutual-TLS server with `cert`, trusting clients of `ca`, recording what its first client sends. */
async function serve(cert: TestIdentity): Promise<Served> {
  let record: (text: string) => void = () => undefined;
  const received = new Promise<string>((resolve) => {
    record = resolve;
  });
  const server = createServer(
    { cert: cert.certPem, key: cert.keyPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: true },
    (socket: TLSSocket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n')) socket.end('pong\n');
      });
      socket.on('close', () => record(text));
      socket.on('error', () => undefined);
    },
  );
  server.on('tlsClientError', () => record(''));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

/** Connects as `identity`, writing a line at once (before the handshake is done); the answer or the error. */
function exchange(identity: EngineIdentity, port: number): Promise<{ answer?: string; error?: Error }> {
  return new Promise((resolve) => {
    const socket = connectEngine(identity, { host: '127.0.0.1', port });
    socket.write('secret token\n');
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
    });
    socket.on('end', () => resolve({ answer }));
    socket.on('error', (error) => resolve({ error }));
  });
}

const identityOf = (caPem: string) => new EngineIdentity({ ca: caPem, cert: client.certPem, key: client.keyPem });
const serverCert = (issuer: TestIdentity, hosts: string[], now?: Date) =>
  generateServerCert({
    caCertPem: issuer.certPem,
    caKeyPem: issuer.keyPem,
    org: 'tester.m1',
    hosts,
    ...(now ? { now } : {}),
  });

describe('connectEngine', () => {
  it('talks to an engine whose certificate the machine CA issued for the address dialled', async () => {
    const served = await serve(await serverCert(ca, ['127.0.0.1']));
    expect(await exchange(identityOf(ca.certPem), served.port)).toEqual({ answer: 'pong\n' });
    expect(await served.received).toBe('secret token\n');
  });

  it('finds the CA in a file of several certificates', async () => {
    const served = await serve(await serverCert(ca, ['127.0.0.1']));
    const bundle = `${otherCa.certPem}\n${ca.certPem}`;
    expect(await exchange(identityOf(bundle), served.port)).toEqual({ answer: 'pong\n' });
  });

  it.each([
    ['another CA issued it', () => serverCert(otherCa, ['127.0.0.1']), 'UNKNOWN_AUTHORITY', /unknown authority/],
    [
      'it is for another address',
      () => serverCert(ca, ['10.9.9.9', 'localhost']),
      'WRONG_HOST',
      /IP: 127\.0\.0\.1 is not in the cert's list/,
    ],
    [
      'it has expired',
      () => serverCert(ca, ['127.0.0.1'], new Date(Date.now() - 1100 * 24 * 3600 * 1000)),
      'OUTSIDE_VALIDITY',
      /expired or is not yet valid/,
    ],
    [
      'it is a client certificate (no serverAuth usage)',
      () => makeClientCert(ca, 'tester.m1'),
      'INCOMPATIBLE_USAGE',
      /incompatible key usage/,
    ],
  ])('refuses an engine when %s, and nothing written reaches it', async (_case, makeCert, code, message) => {
    const served = await serve(await makeCert());
    const { error } = await exchange(identityOf(ca.certPem), served.port);
    expect(error).toBeInstanceOf(EngineCertificateRejected);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await served.received).toBe('');
  });

  it('says what is wrong with a CA file that holds no certificate', () => {
    expect(() => identityOf('not a certificate')).toThrow(/no PEM certificate/);
  });
});
