import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenAPIBackend } from 'openapi-backend';
import { tryDocker } from '../../engine/docker.js';
import type { TestHost } from '../../hosts/test-host.js';
import type { TestSession } from '../../session/session.js';
import { IMAGES, REGIONS, SIZES, type SimImage, type SimRegion, type SimSize } from './catalogue.js';
import { type FailOptions, type FaultDecision, Faults, type InjectedError, type SlowOptions } from './faults.js';
import { digitalOceanApi } from './openapi-spec.js';
import { type ProxiedRequest, type SpecViolation, ValidatingProxy } from './validating-proxy.js';

export interface DigitalOceanSimulatorOptions {
  /** Starts the droplets' test hosts. Without it, creating a droplet fails (API-only tests). */
  session?: TestSession;
  /** The one token the account accepts; a random `dop_v1_…` when absent. */
  token?: string;
  /** Caps `per_page` below DigitalOcean's 200, so that short lists page too (tests of paging). */
  maxPageSize?: number;
  /** A powered-on droplet comes back on a new address, as one without a reserved IP may (default true). */
  newAddressOnPowerOn?: boolean;
}

export interface SimSshKey {
  id: number;
  name: string;
  fingerprint: string;
  publicKey: string;
}

export type SimDropletStatus = 'new' | 'active' | 'off' | 'archive';

export interface SimDroplet {
  id: number;
  name: string;
  status: SimDropletStatus;
  region: string;
  size: string;
  image: string;
  tags: string[];
  sshKeyIds: number[];
  /** The public IPv4 address, `''` until the host is up. */
  address: string;
  /** The test host's container, `''` until it is started. */
  hostName: string;
  userData: string;
  features: string[];
  createdAt: string;
}

export interface SimAction {
  id: number;
  dropletId: number;
  type: string;
  status: 'in-progress' | 'completed' | 'errored';
  startedAt: string;
  completedAt: string | null;
}

/** What is left in the account: what a test checks is empty after `rm` or a rolled-back create. */
export interface SimResources {
  droplets: SimDroplet[];
  sshKeys: SimSshKey[];
}

interface HttpAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = () => new ApiFailure(404, 'not_found', 'The resource you were accessing could not be found.');
const unprocessable = (message: string) => new ApiFailure(422, 'unprocessable_entity', message);
const PUBLIC_BASE = 'https://api.digitalocean.com';
const RATE_LIMIT = 5000;
/** DigitalOcean's rule for tag names. */
const TAG_PATTERN = /^[a-zA-Z0-9_:-]{1,255}$/;
const POWER_ACTIONS = new Set(['power_on', 'shutdown', 'power_off', 'reboot', 'power_cycle']);

/**
 * A DigitalOcean API v2 on loopback, for the endpoints the digitalocean driver uses (regions,
 * account keys, droplets, droplet actions), behind a {@link ValidatingProxy} that checks every
 * request and answer against the official OpenAPI spec. `url` is the proxy: clients only ever
 * talk through it.
 *
 * It is honest by construction: a droplet is a real test host (Debian 12, sshd) started with the
 * account keys the request named in root's authorized_keys; its public IPv4 is the host's
 * address; power actions really stop and start the host (a power-on may bring a new address),
 * and deleting the droplet removes the host. Status moves as DigitalOcean's does: `new` until the
 * host answers SSH, then `active`; `off` once powered off; actions go `in-progress` → `completed`.
 *
 * Faults on demand: {@link failAt} (an API error at step N or at an operation),
 * {@link rateLimitNext} (429 with Retry-After), {@link slow} (late answers), {@link noIp} (droplets
 * that never get an address).
 */
export class DigitalOceanSimulator {
  readonly token: string;
  private readonly keys = new Map<number, SimSshKey>();
  private readonly droplets = new Map<number, SimDroplet>();
  private readonly hosts = new Map<number, TestHost>();
  private readonly actions = new Map<number, SimAction>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly faults = new Faults();
  private readonly backgroundErrors: string[] = [];
  private readonly callWaiters: Array<{ operationId: string; resolve: () => void }> = [];
  private nextKeyId = 41_200_000 + Math.floor(Math.random() * 100_000);
  private nextDropletId = 380_000_000 + Math.floor(Math.random() * 1_000_000);
  private nextActionId = 2_100_000_000 + Math.floor(Math.random() * 1_000_000);
  private server?: Server;
  private proxy?: ValidatingProxy;

  private constructor(
    private readonly api: OpenAPIBackend,
    private readonly options: DigitalOceanSimulatorOptions,
  ) {
    this.token = options.token ?? `dop_v1_${randomBytes(32).toString('hex')}`;
  }

  static async start(options: DigitalOceanSimulatorOptions = {}): Promise<DigitalOceanSimulator> {
    const api = await digitalOceanApi();
    const simulator = new DigitalOceanSimulator(api, options);
    simulator.server = createServer((req, res) => {
      void simulator.handle(req, res);
    });
    simulator.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => simulator.server?.listen(0, '127.0.0.1', resolve));
    const { port } = simulator.server.address() as AddressInfo;
    simulator.proxy = await ValidatingProxy.start(api, `http://127.0.0.1:${port}`);
    return simulator;
  }

  /** The API's base URL (the validating proxy): give it to `--digitalocean-api-url`. */
  get url(): string {
    if (!this.proxy) throw new Error('simulator not started');
    return this.proxy.url;
  }

  /** Every request the proxy saw, oldest first (methods, paths, operations, statuses; no credentials). */
  requests(): ProxiedRequest[] {
    return [...(this.proxy?.requests ?? [])];
  }

  /** Requests and answers that did not match the spec. A test fails when this is not empty. */
  violations(): SpecViolation[] {
    return [...(this.proxy?.violations ?? [])];
  }

  /** Failures of the simulator's own background work (starting, powering, removing hosts). */
  errors(): string[] {
    return [...this.backgroundErrors];
  }

  resources(): SimResources {
    return { droplets: [...this.droplets.values()].map((d) => ({ ...d })), sshKeys: [...this.keys.values()] };
  }

  /** The test host behind a droplet (to look inside it), if it is up. */
  hostOf(dropletId: number): TestHost | undefined {
    return this.hosts.get(dropletId);
  }

  failAt(step: number | string, options?: FailOptions): void {
    this.faults.failAt(step, options);
  }

  rateLimitNext(count: number, retryAfterSeconds: number): void {
    this.faults.rateLimitNext(count, retryAfterSeconds);
  }

  slow(ms: number, options?: SlowOptions): void {
    this.faults.slow(ms, options);
  }

  /** Droplets created from now on never get a public address (`false` turns it off again). */
  noIp(on = true): void {
    this.faults.noIp = on;
  }

  /** Resolves when the simulator gets the next call of `operationId` (before it answers). */
  waitForCall(operationId: string): Promise<void> {
    return new Promise((resolve) => this.callWaiters.push({ operationId, resolve }));
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resolves once background work (hosts starting, power actions, hosts being removed) is done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.settled();
    await this.proxy?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let answer: HttpAnswer;
    let decision: FaultDecision = { delayMs: 0 };
    try {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://simulator.invalid');
      const method = (req.method ?? 'GET').toLowerCase();
      const query = Object.fromEntries(url.searchParams.entries());
      const operation = this.api.router.matchOperation({ method, path: url.pathname, headers: {}, query });
      if (!operation?.operationId) throw notFound();
      for (const waiter of this.callWaiters.filter((candidate) => candidate.operationId === operation.operationId)) {
        this.callWaiters.splice(this.callWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (req.headers.authorization !== `Bearer ${this.token}`) {
        throw new ApiFailure(401, 'Unauthorized', 'Unable to authenticate you');
      }
      decision = this.faults.decide(operation.operationId);
      if (decision.error) {
        answer = injected(decision.error);
      } else {
        const params = this.api.router.parseRequest({ method, path: url.pathname, headers: {}, query }, operation)
          .params as Record<string, string>;
        const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
        answer = await this.route(operation.operationId, params, query, body);
      }
    } catch (error) {
      answer =
        error instanceof ApiFailure
          ? { status: error.status, body: { id: error.id, message: error.message } }
          : { status: 500, body: { id: 'server_error', message: `simulator: ${String(error)}` } };
    }
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    this.send(res, answer, requestId);
  }

  private send(res: ServerResponse, answer: HttpAnswer, requestId: string): void {
    const headers: Record<string, string | number> = {
      'ratelimit-limit': RATE_LIMIT,
      'ratelimit-remaining': answer.status === 429 ? 0 : RATE_LIMIT - 1,
      'ratelimit-reset': Math.floor(Date.now() / 1000) + 60,
      'x-request-id': requestId,
      ...answer.headers,
    };
    if (answer.body === undefined) {
      res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
      res.end();
      return;
    }
    const body =
      answer.status >= 400 ? { ...(answer.body as Record<string, unknown>), request_id: requestId } : answer.body;
    const text = JSON.stringify(body);
    res.writeHead(answer.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private async route(
    operationId: string,
    params: Record<string, string>,
    query: Record<string, string>,
    body: Record<string, unknown>,
  ): Promise<HttpAnswer> {
    switch (operationId) {
      case 'regions_list':
        return this.page('regions', REGIONS.map(regionJson), query, '/v2/regions');
      case 'sshKeys_list':
        return this.page('ssh_keys', [...this.keys.values()].map(keyJson), query, '/v2/account/keys');
      case 'sshKeys_create':
        return { status: 201, body: { ssh_key: keyJson(this.createKey(body)) } };
      case 'sshKeys_get':
        return { status: 200, body: { ssh_key: keyJson(this.findKey(params.ssh_key_identifier)) } };
      case 'sshKeys_delete':
        this.keys.delete(this.findKey(params.ssh_key_identifier).id);
        return { status: 204 };
      case 'droplets_list': {
        const tag = query.tag_name;
        const list = [...this.droplets.values()].filter((d) => !tag || d.tags.includes(tag));
        return this.page(
          'droplets',
          list.map((d) => this.dropletJson(d)),
          query,
          '/v2/droplets',
        );
      }
      case 'droplets_create':
        return { status: 202, body: this.createDroplet(body) };
      case 'droplets_get':
        return { status: 200, body: { droplet: this.dropletJson(this.findDroplet(params.droplet_id)) } };
      case 'droplets_destroy':
        this.destroyDroplet(this.findDroplet(params.droplet_id));
        return { status: 204 };
      case 'dropletActions_post':
        return {
          status: 201,
          body: { action: this.actionJson(this.postAction(this.findDroplet(params.droplet_id), body)) },
        };
      case 'dropletActions_get': {
        const action = this.actions.get(Number(params.action_id));
        if (!action || action.dropletId !== Number(params.droplet_id)) throw notFound();
        return { status: 200, body: { action: this.actionJson(action) } };
      }
      case 'actions_get': {
        const action = this.actions.get(Number(params.action_id));
        if (!action) throw notFound();
        return { status: 200, body: { action: this.actionJson(action) } };
      }
      default:
        throw new ApiFailure(501, 'not_implemented', `The simulator does not implement ${operationId}.`);
    }
  }

  /** DigitalOcean's paging: `page`, `per_page` (default 20, at most 200), links to DigitalOcean's own host. */
  private page(key: string, items: unknown[], query: Record<string, string>, path: string): HttpAnswer {
    const cap = Math.min(200, this.options.maxPageSize ?? 200);
    const perPage = Math.min(cap, Math.max(1, Number(query.per_page ?? 20) || 20));
    const pageNumber = Math.max(1, Number(query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => `${PUBLIC_BASE}${path}?page=${n}&per_page=${perPage}`;
    const pages: Record<string, string> = {};
    if (pageNumber > 1) Object.assign(pages, { first: link(1), prev: link(pageNumber - 1) });
    if (pageNumber < last) Object.assign(pages, { next: link(pageNumber + 1), last: link(last) });
    return {
      status: 200,
      body: {
        [key]: items.slice((pageNumber - 1) * perPage, pageNumber * perPage),
        links: Object.keys(pages).length > 0 ? { pages } : {},
        meta: { total: items.length },
      },
    };
  }

  // ------------------------------------------------------------------ SSH keys

  private createKey(body: Record<string, unknown>): SimSshKey {
    const name = String(body.name ?? '');
    const publicKey = String(body.public_key ?? '').trim();
    const parts = publicKey.split(/\s+/);
    const blob = Buffer.from(parts[1] ?? '', 'base64');
    if (!/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp\d+)$/.test(parts[0] ?? '') || blob.length < 32) {
      throw unprocessable('Key invalid, key should be of the format `type key [comment]`');
    }
    const fingerprint = (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':');
    if ([...this.keys.values()].some((key) => key.fingerprint === fingerprint)) {
      throw unprocessable('SSH Key is already in use on your account');
    }
    if (!name) throw unprocessable('Name is too short (minimum is 1 character)');
    const key: SimSshKey = { id: this.nextKeyId++, name, fingerprint, publicKey };
    this.keys.set(key.id, key);
    return key;
  }

  private findKey(identifier: string | undefined): SimSshKey {
    const key = /^\d+$/.test(identifier ?? '')
      ? this.keys.get(Number(identifier))
      : [...this.keys.values()].find((candidate) => candidate.fingerprint === identifier);
    if (!key) throw notFound();
    return key;
  }

  // ------------------------------------------------------------------ droplets

  private createDroplet(body: Record<string, unknown>): unknown {
    if (body.names !== undefined) throw unprocessable('The simulator creates one droplet per request.');
    const name = String(body.name ?? '');
    const region = REGIONS.find((candidate) => candidate.slug === body.region);
    if (!region?.available) {
      throw unprocessable('You specified an invalid region for Droplet creation.');
    }
    const size = SIZES.find((candidate) => candidate.slug === body.size);
    if (!size) throw unprocessable('You specified an invalid size for Droplet creation.');
    if (!region.sizes.includes(size.slug)) throw unprocessable('Size is not available in this region.');
    const image = IMAGES.find((candidate) => candidate.slug === body.image || candidate.id === body.image);
    if (!image) throw unprocessable('You specified an invalid image for Droplet creation.');
    const keyRefs = Array.isArray(body.ssh_keys) ? (body.ssh_keys as Array<string | number>) : [];
    const keys = keyRefs.map((ref) => {
      try {
        return this.findKey(String(ref));
      } catch {
        throw unprocessable(
          `You specified an invalid SSH key ID or fingerprint (${String(ref)}) for Droplet creation.`,
        );
      }
    });
    const tags = Array.isArray(body.tags) ? (body.tags as string[]) : [];
    const badTag = tags.find((tag) => !TAG_PATTERN.test(tag));
    if (badTag !== undefined) {
      throw unprocessable(
        `Tag "${badTag}" is invalid: tags may contain letters, numbers, colons, dashes, and underscores.`,
      );
    }
    const userData = typeof body.user_data === 'string' ? body.user_data : '';
    if (Buffer.byteLength(userData) > 64 * 1024) throw unprocessable('user_data is limited to 64 KiB.');
    if (!this.options.session) {
      throw new ApiFailure(500, 'server_error', 'The simulator was started without a test session: no droplets.');
    }
    const features = ['droplet_agent'];
    if (body.backups === true) features.push('backups');
    if (body.ipv6 === true) features.push('ipv6');
    if (body.private_networking === true) features.push('private_networking');
    if (body.monitoring === true) features.push('monitoring');
    const droplet: SimDroplet = {
      id: this.nextDropletId++,
      name,
      status: 'new',
      region: region.slug,
      size: size.slug,
      image: image.slug,
      tags: [...new Set(tags)],
      sshKeyIds: keys.map((key) => key.id),
      address: '',
      hostName: '',
      userData,
      features,
      createdAt: now(),
    };
    this.droplets.set(droplet.id, droplet);
    const create = this.recordAction(droplet.id, 'create');
    if (!this.faults.noIp) {
      this.background(
        (async () => {
          const session = this.options.session as TestSession;
          const host = await session.startHost({
            variant: image.variant,
            authorizedKeys: keys.map((key) => key.publicKey),
          });
          if (!this.droplets.has(droplet.id)) {
            await removeHost(host);
            return;
          }
          this.hosts.set(droplet.id, host);
          droplet.hostName = host.name;
          droplet.address = host.address;
          droplet.status = 'active';
          this.finishAction(create, 'completed');
        })().catch((error: unknown) => {
          this.finishAction(create, 'errored');
          throw error;
        }),
        `starting the host of droplet ${droplet.id}`,
      );
    }
    return {
      droplet: this.dropletJson(droplet),
      links: { actions: [{ id: create.id, rel: 'create', href: `${PUBLIC_BASE}/v2/actions/${create.id}` }] },
    };
  }

  private findDroplet(id: string | undefined): SimDroplet {
    const droplet = this.droplets.get(Number(id));
    if (!droplet) throw notFound();
    return droplet;
  }

  private destroyDroplet(droplet: SimDroplet): void {
    this.droplets.delete(droplet.id);
    const host = this.hosts.get(droplet.id);
    this.hosts.delete(droplet.id);
    // DigitalOcean destroys asynchronously too; the host goes in the background.
    if (host) this.background(removeHost(host), `removing the host of droplet ${droplet.id}`);
  }

  private postAction(droplet: SimDroplet, body: Record<string, unknown>): SimAction {
    const type = String(body.type ?? '');
    if (!POWER_ACTIONS.has(type)) throw unprocessable(`The simulator does not implement the ${type} action.`);
    const busy = [...this.actions.values()].some((a) => a.dropletId === droplet.id && a.status === 'in-progress');
    if (busy || droplet.status === 'new') throw unprocessable('Droplet already has a pending event.');
    const host = this.hosts.get(droplet.id);
    if (!host) throw unprocessable('Droplet already has a pending event.');
    const action = this.recordAction(droplet.id, type);
    const newAddress = this.options.newAddressOnPowerOn ?? true;
    const work = async () => {
      const on = droplet.status === 'active';
      if ((type === 'power_on' && !on) || ((type === 'reboot' || type === 'power_cycle') && !on)) {
        await host.powerOn({ newAddress: type === 'power_on' && newAddress });
        await host.waitForSsh();
        droplet.status = 'active';
      } else if (type === 'shutdown' && on) {
        await host.powerOff();
        droplet.status = 'off';
      } else if (type === 'power_off' && on) {
        await host.kill();
        droplet.status = 'off';
      } else if ((type === 'reboot' || type === 'power_cycle') && on) {
        // A reboot keeps the droplet `active` and its address, as on DigitalOcean.
        if (type === 'reboot') await host.powerOff();
        else await host.kill();
        await host.powerOn();
        await host.waitForSsh();
      }
      droplet.address = host.address;
    };
    this.background(
      work().then(
        () => this.finishAction(action, 'completed'),
        (error: unknown) => {
          this.finishAction(action, 'errored');
          throw error;
        },
      ),
      `${type} of droplet ${droplet.id}`,
    );
    return action;
  }

  private recordAction(dropletId: number, type: string): SimAction {
    const action: SimAction = {
      id: this.nextActionId++,
      dropletId,
      type,
      status: 'in-progress',
      startedAt: now(),
      completedAt: null,
    };
    this.actions.set(action.id, action);
    return action;
  }

  private finishAction(action: SimAction, status: 'completed' | 'errored'): void {
    action.status = status;
    action.completedAt = now();
  }

  private background(work: Promise<unknown>, what: string): void {
    const tracked = work.catch((error: unknown) => {
      this.backgroundErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  // ------------------------------------------------------------------ JSON shapes

  private dropletJson(droplet: SimDroplet): unknown {
    const size = SIZES.find((candidate) => candidate.slug === droplet.size) as SimSize;
    const region = REGIONS.find((candidate) => candidate.slug === droplet.region) as SimRegion;
    const image = IMAGES.find((candidate) => candidate.slug === droplet.image) as SimImage;
    const network = this.options.session?.network;
    // An `off` droplet keeps its networks on DigitalOcean; a new one has none until it is up.
    const v4 = droplet.address
      ? [
          {
            ip_address: droplet.address,
            netmask: netmaskOf(network?.subnet ?? '0.0.0.0/16'),
            gateway: network?.gateway ?? '0.0.0.0',
            type: 'public',
          },
        ]
      : [];
    return {
      id: droplet.id,
      name: droplet.name,
      memory: size.memory,
      vcpus: size.vcpus,
      disk: size.disk,
      disk_info: [{ type: 'local', size: { amount: size.disk, unit: 'gib' } }],
      locked: false,
      status: droplet.status,
      kernel: null,
      created_at: droplet.createdAt,
      features: droplet.features,
      backup_ids: [],
      next_backup_window: null,
      snapshot_ids: [],
      image: {
        id: image.id,
        name: image.name,
        distribution: image.distribution,
        slug: image.slug,
        public: true,
        regions: REGIONS.filter((r) => r.available).map((r) => r.slug),
        created_at: '2023-06-12T18:23:15Z',
        type: 'base',
        min_disk_size: 10,
        size_gigabytes: 0.93,
        description: `${image.distribution} ${image.name}`,
        tags: [],
        status: 'available',
        error_message: '',
      },
      volume_ids: [],
      size: sizeJson(size),
      size_slug: size.slug,
      networks: { v4, v6: [] },
      region: regionJson(region),
      tags: droplet.tags,
      vpc_uuid: uuidFor(`vpc-${region.slug}`),
    };
  }

  private actionJson(action: SimAction): unknown {
    const droplet = this.droplets.get(action.dropletId);
    const region = REGIONS.find((candidate) => candidate.slug === droplet?.region);
    return {
      id: action.id,
      status: action.status,
      type: action.type,
      started_at: action.startedAt,
      completed_at: action.completedAt,
      resource_id: action.dropletId,
      resource_type: 'droplet',
      ...(region ? { region: regionJson(region), region_slug: region.slug } : { region_slug: null }),
    };
  }
}

function regionJson(region: SimRegion): unknown {
  return {
    name: region.name,
    slug: region.slug,
    features: region.features,
    available: region.available,
    sizes: region.sizes,
  };
}

function sizeJson(size: SimSize): unknown {
  return {
    slug: size.slug,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: size.disk,
    transfer: size.transfer,
    price_monthly: size.price_monthly,
    price_hourly: size.price_hourly,
    regions: REGIONS.filter((r) => r.sizes.includes(size.slug)).map((r) => r.slug),
    available: true,
    description: size.description,
  };
}

function keyJson(key: SimSshKey): unknown {
  return { id: key.id, fingerprint: key.fingerprint, public_key: key.publicKey, name: key.name };
}

function injected(error: InjectedError & { retryAfterSeconds?: number }): HttpAnswer {
  return {
    status: error.status,
    body: { id: error.id, message: error.message },
    ...(error.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(error.retryAfterSeconds) } }),
  };
}

async function removeHost(host: TestHost): Promise<void> {
  await tryDocker(['rm', '-f', '-v', host.name]);
  await tryDocker(['volume', 'rm', '-f', `${host.name}-docker`]);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function netmaskOf(cidr: string): string {
  const bits = Number(cidr.split('/')[1] ?? 16);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
}

function uuidFor(seed: string): string {
  const hex = createHash('sha1').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
