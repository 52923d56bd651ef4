import './offline.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { CancelledError } from '@berth/driver-protocol';
import { DigitalOceanSimulator, digitalOceanApi, ValidatingProxy } from '@berth/test-kit';
import { Headers } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeApiConnections, DigitalOceanClient, retryAfterMs } from '../../src/api-client.js';
import { DigitalOceanApiError } from '../../src/api-error.js';
import { berthErrorFor } from '../../src/berth-error-for.js';

let sim: DigitalOceanSimulator;

beforeAll(async () => {
  sim = await DigitalOceanSimulator.start();
});

afterAll(async () => {
  await closeApiConnections();
  await sim?.close();
});

afterEach(() => {
  expect(sim.violations()).toEqual([]);
  sim.clearFaults();
});

const client = (options: Partial<ConstructorParameters<typeof DigitalOceanClient>[0]> = {}) =>
  new DigitalOceanClient({
    apiUrl: sim.url,
    token: sim.token,
    userAgent: 'berth-test',
    retryBackoffMs: [50, 50],
    ...options,
  });

const since = () => {
  const start = sim.requests().length;
  return () => sim.requests().slice(start);
};

describe('rate limits (429)', () => {
  it('waits as Retry-After says, tells the caller, then succeeds', async () => {
    const waits: number[] = [];
    const seen = since();
    sim.rateLimitNext(2, 1);
    const started = Date.now();
    const regions = await client({ onRateLimited: (ms) => waits.push(ms) }).regions();
    expect(regions.length).toBe(13);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(waits).toEqual([1_000, 1_000]);
    expect(seen().map((request) => request.status)).toEqual([429, 429, 200]);
  });

  it('fails at once when Retry-After asks for longer than the bound, with DigitalOcean’s message', async () => {
    sim.rateLimitNext(1, 3_600);
    const started = Date.now();
    const error = (await client()
      .regions()
      .catch((e) => e)) as DigitalOceanApiError;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(DigitalOceanApiError);
    expect(error.message).toMatch(
      /^DigitalOcean said "API Rate limit exceeded." \(HTTP 429 too_many_requests, request id [0-9a-f-]{36}\)$/,
    );
    expect(berthErrorFor(error, 'could not list regions').code).toBe('Timeout');
  });

  it.each([
    [{ 'retry-after': '7' }, 7_000],
    [{ 'retry-after': new Date(1_000_000 + 5_000).toUTCString() }, 5_000],
    [{ 'ratelimit-reset': String(1_000 + 9) }, 9_000],
    [{}, 1_000],
  ])('reads how long to wait from %j', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), 1_000_000)).toBe(expected);
  });
});

describe('retries and failures', () => {
  it('retries a read after a 5xx, but never a create', async () => {
    let seen = since();
    sim.failAt('regions_list', { status: 503, id: 'service_unavailable', message: 'Service Unavailable' });
    await client().regions();
    expect(seen().map((request) => request.status)).toEqual([503, 200]);

    seen = since();
    sim.failAt('sshKeys_create', { status: 500, id: 'server_error', message: 'Unexpected server-side error' });
    const error = (await client()
      .createSshKey('k', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDFakeKeyForTests0000000000000000000000 x')
      .catch((e) => e)) as DigitalOceanApiError;
    expect(error.status).toBe(500);
    expect(seen().map((request) => request.status)).toEqual([500]);
  });

  it('maps DigitalOcean’s answers to Berth errors that carry its message and request id, never the token', async () => {
    const error = (await client()
      .droplet(424242)
      .catch((e) => e)) as DigitalOceanApiError;
    const last = sim.requests().at(-1);
    expect(error.notFound).toBe(true);
    const berth = berthErrorFor(error, 'could not read droplet 424242');
    expect(berth.message).toBe(
      `could not read droplet 424242: DigitalOcean said "The resource you were accessing could not be found." (HTTP 404 not_found, request id ${last?.requestId})`,
    );
    expect(berth.data).toEqual({
      provider: 'digitalocean',
      status: 404,
      errorId: 'not_found',
      requestId: last?.requestId,
      request: 'GET /v2/droplets/424242',
    });
    expect(JSON.stringify(berth.toJSON())).not.toContain(sim.token);
    expect(String(error.stack)).not.toContain(sim.token);
  });

  it('bounds every exchange', async () => {
    sim.slow(2_000, { operation: 'regions_list', times: 1 });
    const error = (await client({ requestTimeoutMs: 300 })
      .call('GET', 'v2/regions')
      .catch((e) => e)) as DigitalOceanApiError;
    expect(error.timedOut).toBe(true);
    expect(error.message).toContain('did not answer GET /v2/regions within 0 s');
    expect(berthErrorFor(error, 'x').code).toBe('Timeout');
  });

  it('reports an API it cannot reach with the address, as a network problem', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = (await new DigitalOceanClient({
      apiUrl: `http://127.0.0.1:${port}`,
      token: 't',
      userAgent: 'x',
      retryBackoffMs: [50, 50],
    })
      .call('GET', 'v2/regions')
      .catch((e) => e)) as DigitalOceanApiError;
    expect(error.status).toBe(0);
    expect(error.message).toBe(
      `cannot reach the DigitalOcean API at http://127.0.0.1:${port} (GET /v2/regions): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(berthErrorFor(error, 'x').actions[0]).toContain('HTTPS_PROXY, NO_PROXY');
  });
});

describe('cancellation', () => {
  it('cuts a read off at once', async () => {
    sim.slow(5_000, { operation: 'regions_list', times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await expect(client().regions(controller.signal)).rejects.toThrow(CancelledError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('lets a create that was sent finish, so that its id can be recorded', async () => {
    sim.slow(1_500, { operation: 'sshKeys_create', times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const key = await client().createSshKey(
      'berth:cancel',
      'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDCancelledButAnswered00000000000000000 x',
      controller.signal,
    );
    expect(sim.resources().sshKeys.map((k) => k.id)).toContain(key.id);
    expect(controller.signal.aborted).toBe(true);
    await client().deleteSshKey(key.id);
  });

  it('does not send anything once cancelled', async () => {
    const seen = since();
    const controller = new AbortController();
    controller.abort();
    await expect(client().createSshKey('k', 'ssh-rsa AAAA x', controller.signal)).rejects.toThrow(CancelledError);
    expect(seen()).toEqual([]);
  });
});

describe('proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)', () => {
  let proxy: Server;
  let proxyUrl: string;
  const tunnels: string[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    // A CONNECT proxy on loopback: it tunnels to loopback targets only and refuses anything else.
    proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, socket) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      if (host !== '127.0.0.1') {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    process.env.HTTP_PROXY = saved.HTTP_PROXY;
    process.env.HTTPS_PROXY = saved.HTTPS_PROXY;
    process.env.NO_PROXY = saved.NO_PROXY;
    tunnels.length = 0;
    await closeApiConnections();
  });

  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it('goes through HTTP_PROXY when NO_PROXY does not exempt the API', async () => {
    await closeApiConnections();
    process.env.HTTP_PROXY = proxyUrl;
    process.env.NO_PROXY = '';
    expect((await client().regions()).length).toBe(13);
    expect(tunnels).toEqual([new URL(sim.url).host]);
  });

  it('goes straight to a host NO_PROXY lists', async () => {
    await closeApiConnections();
    process.env.HTTP_PROXY = proxyUrl;
    process.env.NO_PROXY = 'localhost,127.0.0.1';
    expect((await client().regions()).length).toBe(13);
    expect(tunnels).toEqual([]);
  });

  it('sends an https API through HTTPS_PROXY (which refuses it here: nothing leaves the machine)', async () => {
    await closeApiConnections();
    process.env.HTTPS_PROXY = proxyUrl;
    process.env.NO_PROXY = '';
    const error = (await new DigitalOceanClient({
      apiUrl: 'https://api.digitalocean.invalid',
      token: 't',
      userAgent: 'x',
      retryBackoffMs: [50, 50],
    })
      .call('DELETE', 'v2/droplets/1')
      .catch((e) => e)) as DigitalOceanApiError;
    expect(error.status).toBe(0);
    expect(tunnels).toContain('api.digitalocean.invalid:443');
  });
});

describe('the validating proxy in front of the simulator', () => {
  it('turns an answer that breaks the spec into a 502 and records it', async () => {
    const bogus = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ regions: [{ slug: 7 }], meta: { total: 'one' } }));
    });
    await new Promise<void>((resolve) => bogus.listen(0, '127.0.0.1', resolve));
    const proxy = await ValidatingProxy.start(
      await digitalOceanApi(),
      `http://127.0.0.1:${(bogus.address() as AddressInfo).port}`,
    );
    try {
      const answer = await fetch(`${proxy.url}/v2/regions`, { headers: { authorization: 'Bearer x' } });
      expect(answer.status).toBe(502);
      const unauthenticated = await fetch(`${proxy.url}/v2/regions`);
      expect(unauthenticated.status).toBe(400);
      expect(proxy.violations.map((v) => v.direction)).toEqual(['response', 'request']);
      expect(proxy.violations[0]?.problems.join('; ')).toContain('/regions/0/slug must be string');
      expect(proxy.violations[1]?.problems.join('; ')).toContain('Authorization: Bearer');
    } finally {
      await proxy.close();
      bogus.closeAllConnections();
      await new Promise<void>((resolve) => bogus.close(() => resolve()));
    }
  });
});
