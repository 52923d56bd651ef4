import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServerCert } from '../../../src/certs/server-cert.js';
import { getEngineVersion } from '../../../src/engine/engine-version.js';
import { EngineClients, MAX_SOCKETS_PER_ENGINE } from '../../../src/machine/engine-clients.js';
import type { HostConfig } from '../../../src/store/host-config.js';
import { makeClientCert, makeTestCa, type TestIdentity } from '../certs/support/test-ca.js';

/** Only what EngineClients reads of a machine's config. */
function configFor(dir: string, caFile = 'ca.pem'): HostConfig {
  const AuthOptions = {
    CaCertPath: join(dir, caFile),
    ClientCertPath: join(dir, 'cert.pem'),
    ClientKeyPath: join(dir, 'key.pem'),
  };
  return { HostOptions: { AuthOptions } } as unknown as HostConfig;
}

describe('EngineClients: pooled mutual-TLS connections to engines', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let handshakes = 0;
  let requests = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-engine-clients-'));
    const ca = await makeTestCa();
    const client = await makeClientCert(ca);
    const serverCert = await generateServerCert({
      org: 'tester.engine',
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      hosts: ['127.0.0.1'],
    });
    const otherCa: TestIdentity = await makeTestCa('someone-else');
    await writeFile(join(dir, 'ca.pem'), ca.certPem);
    await writeFile(join(dir, 'other-ca.pem'), otherCa.certPem);
    await writeFile(join(dir, 'cert.pem'), client.certPem);
    await writeFile(join(dir, 'key.pem'), client.keyPem);
    server = createServer(
      {
        cert: serverCert.certPem,
        key: serverCert.keyPem,
        ca: [ca.certPem],
        requestCert: true,
        rejectUnauthorized: true,
      },
      (_req, res) => {
        requests += 1;
        res.setHeader('content-type', 'application/json');
        // A little latency, so concurrent queries really overlap.
        setTimeout(() => res.end(JSON.stringify({ Version: '24.0.7', ApiVersion: '1.43' })), 5);
      },
    );
    server.on('secureConnection', () => {
      handshakes += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('answers many queries to one engine over a few connections', async () => {
    const clients = new EngineClients();
    handshakes = 0;
    requests = 0;
    try {
      const versions = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const { tls, agent } = await clients.for(configFor(dir));
          return getEngineVersion({ url, tls, agent, timeoutMs: 10_000 });
        }),
      );
      expect(versions.map((v) => v.Version)).toEqual(Array(40).fill('24.0.7'));
      expect(requests).toBe(40);
      expect(handshakes).toBeGreaterThan(0);
      expect(handshakes).toBeLessThanOrEqual(MAX_SOCKETS_PER_ENGINE);
    } finally {
      clients.close();
    }
  });

  it('shares one client per set of certificate files, and keeps different sets apart', async () => {
    const clients = new EngineClients();
    try {
      const [a, b, other] = await Promise.all([
        clients.for(configFor(dir)),
        clients.for(configFor(dir)),
        clients.for(configFor(dir, 'other-ca.pem')),
      ]);
      expect(a).toBe(b);
      expect(other.agent).not.toBe(a.agent);
    } finally {
      clients.close();
    }
  });

  it('still verifies the engine: its certificate against the machine CA, its SANs against the address', async () => {
    const clients = new EngineClients();
    try {
      const { tls, agent } = await clients.for(configFor(dir, 'other-ca.pem'));
      await expect(getEngineVersion({ url, tls, agent, timeoutMs: 10_000 })).rejects.toThrow(/certificate/i);
      const trusted = await clients.for(configFor(dir));
      const byName = url.replace('127.0.0.1', 'localhost');
      await expect(getEngineVersion({ ...trusted, url: byName, timeoutMs: 10_000 })).rejects.toThrow(/does not match/);
    } finally {
      clients.close();
    }
  });

  it('fails every query of a machine whose certificate files are missing, with the file named', async () => {
    const clients = new EngineClients();
    try {
      await expect(clients.for(configFor(dir, 'missing-ca.pem'))).rejects.toThrow(/missing-ca\.pem/);
    } finally {
      clients.close();
    }
  });

  it('close() ends the pooled connections', async () => {
    const clients = new EngineClients();
    const { tls, agent } = await clients.for(configFor(dir));
    await getEngineVersion({ url, tls, agent, timeoutMs: 10_000 });
    const pooled = Object.values(agent.freeSockets).flat();
    expect(pooled.length).toBeGreaterThan(0);
    clients.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pooled.every((socket) => socket?.destroyed)).toBe(true);
  });
});
