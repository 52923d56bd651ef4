import { cancelled, sleep, throwIfCancelled } from '@berth/driver-sdk';
import { EnvHttpProxyAgent, fetch, type Headers } from 'undici';
import { DigitalOceanApiError } from './api-error.js';

// The slice of the DigitalOcean API v2 the driver uses, with the fields it reads.

export interface Region {
  slug: string;
  name: string;
  available: boolean;
  sizes: string[];
}

export interface SshKey {
  id: number;
  fingerprint: string;
  name: string;
}

export type DropletStatus = 'new' | 'active' | 'off' | 'archive';

export interface Droplet {
  id: number;
  name: string;
  status: DropletStatus;
  networks: {
    v4?: Array<{ ip_address: string; type: 'public' | 'private' }>;
    v6?: Array<{ ip_address: string; type: 'public' }>;
  };
  tags: string[];
}

export interface Action {
  id: number;
  status: 'in-progress' | 'completed' | 'errored';
  type: string;
}

export type PowerAction = 'power_on' | 'shutdown' | 'reboot' | 'power_off';

export interface DropletCreateRequest {
  name: string;
  region: string;
  size: string;
  image: string;
  ssh_keys: number[];
  backups: boolean;
  ipv6: boolean;
  private_networking: boolean;
  monitoring: boolean;
  user_data?: string;
  tags: string[];
}

export interface ApiClientOptions {
  /** Base URL, e.g. `https://api.digitalocean.com`; a path prefix is kept. */
  apiUrl: string;
  token: string;
  userAgent: string;
  /** Bound on one HTTP exchange (default 60 s). */
  requestTimeoutMs?: number;
  /** A 429 asking to wait longer than this fails instead (default 60 s). */
  maxRetryAfterMs?: number;
  /** Waits before the retries of an idempotent call after a 5xx or no answer (default 1 s, 3 s). */
  retryBackoffMs?: number[];
  /** Told before each wait a 429 asked for, so the user knows why nothing happens. */
  onRateLimited?: (waitMs: number) => void;
}

export interface CallOptions {
  /** The host's cancellation. */
  signal?: AbortSignal;
  query?: Record<string, string | number>;
  body?: unknown;
}

const REQUEST_TIMEOUT_MS = 60_000;
const MAX_RETRY_AFTER_MS = 60_000;
/** A call is tried again after this many 429 answers at most. */
const MAX_RATE_LIMITED = 5;
/** Waits before the retries of an idempotent call that got no answer or a 5xx. */
const RETRY_BACKOFF_MS = [1_000, 3_000];
const PAGE_SIZE = 200;
/** A list never has more pages than this; a server that says otherwise is looping. */
const MAX_PAGES = 100;

let sharedDispatcher: EnvHttpProxyAgent | undefined;

/** One connection pool per process; it reads HTTP_PROXY, HTTPS_PROXY and NO_PROXY when made. */
function dispatcher(): EnvHttpProxyAgent {
  sharedDispatcher ??= new EnvHttpProxyAgent();
  return sharedDispatcher;
}

/** Closes the connection pool (driver shutdown). */
export async function closeApiConnections(): Promise<void> {
  const current = sharedDispatcher;
  sharedDispatcher = undefined;
  await current?.close();
}

/**
 * A small DigitalOcean API v2 client on undici's fetch. Requests carry the token only in the
 * `Authorization` header, and errors describe requests by method and path, so the token never
 * reaches a message. Every exchange is bounded; 429 answers wait as `Retry-After` says (bounded);
 * idempotent calls (GET, DELETE) are retried on 5xx and network failures.
 *
 * Cancellation: a read is cut off at once by the host's signal. A call that creates something
 * (POST) is not: once sent, its answer is awaited (bounded) so the caller can record what was
 * made before giving up; the signal is checked before sending and after the answer.
 */
export class DigitalOceanClient {
  private readonly base: URL;

  constructor(private readonly options: ApiClientOptions) {
    this.base = new URL(options.apiUrl);
    if (!this.base.pathname.endsWith('/')) this.base.pathname = `${this.base.pathname}/`;
  }

  /** Every region (all pages). */
  regions(signal?: AbortSignal): Promise<Region[]> {
    return this.listAll<Region>('v2/regions', 'regions', signal);
  }

  async createSshKey(name: string, publicKey: string, signal?: AbortSignal): Promise<SshKey> {
    const body = await this.call<{ ssh_key: SshKey }>('POST', 'v2/account/keys', {
      signal,
      body: { name, public_key: publicKey },
    });
    return body.ssh_key;
  }

  async sshKey(idOrFingerprint: string | number, signal?: AbortSignal): Promise<SshKey> {
    const body = await this.call<{ ssh_key: SshKey }>('GET', `v2/account/keys/${encodeURIComponent(idOrFingerprint)}`, {
      signal,
    });
    return body.ssh_key;
  }

  async deleteSshKey(id: number | string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `v2/account/keys/${encodeURIComponent(id)}`, { signal });
  }

  async createDroplet(request: DropletCreateRequest, signal?: AbortSignal): Promise<Droplet> {
    const body = await this.call<{ droplet: Droplet }>('POST', 'v2/droplets', { signal, body: request });
    return body.droplet;
  }

  async droplet(id: number | string, signal?: AbortSignal): Promise<Droplet> {
    const body = await this.call<{ droplet: Droplet }>('GET', `v2/droplets/${encodeURIComponent(id)}`, { signal });
    return body.droplet;
  }

  async deleteDroplet(id: number | string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `v2/droplets/${encodeURIComponent(id)}`, { signal });
  }

  async dropletAction(id: number, type: PowerAction, signal?: AbortSignal): Promise<Action> {
    const body = await this.call<{ action: Action }>('POST', `v2/droplets/${id}/actions`, { signal, body: { type } });
    return body.action;
  }

  async action(dropletId: number, actionId: number, signal?: AbortSignal): Promise<Action> {
    const body = await this.call<{ action: Action }>('GET', `v2/droplets/${dropletId}/actions/${actionId}`, {
      signal,
    });
    return body.action;
  }

  /**
   * Follows `links.pages.next` to the end. Only the page number is taken from the link: the link's
   * host (DigitalOcean's own, even behind another base URL) is never contacted.
   */
  async listAll<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; ) {
      const body = await this.call<Record<string, unknown>>('GET', path, {
        signal,
        query: { page, per_page: PAGE_SIZE },
      });
      const chunk = body[key];
      if (Array.isArray(chunk)) items.push(...(chunk as T[]));
      const next = (body.links as { pages?: { next?: string } } | undefined)?.pages?.next;
      const nextPage = next ? Number(new URL(next, this.base).searchParams.get('page')) : Number.NaN;
      if (!Number.isInteger(nextPage) || nextPage <= page || chunk === undefined) break;
      page = nextPage;
    }
    return items;
  }

  /** One API call with the retry rules above; resolves with the parsed JSON body (`{}` for 204). */
  async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: CallOptions = {}): Promise<T> {
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
    const request = `${method} ${url.pathname}${url.search}`;
    const idempotent = method !== 'POST';
    const backoff = this.options.retryBackoffMs ?? RETRY_BACKOFF_MS;
    let rateLimited = 0;
    let failures = 0;
    for (;;) {
      throwIfCancelled(options.signal, `calling the DigitalOcean API (${request})`);
      let response: Answer;
      try {
        response = await this.send(method, url, options, idempotent);
      } catch (error) {
        const retryable = error instanceof DigitalOceanApiError && !error.timedOut;
        if (retryable && idempotent && failures < backoff.length) {
          await sleep(backoff[failures] ?? 1_000, options.signal, `retrying ${request}`);
          failures += 1;
          continue;
        }
        throw error;
      }
      if (response.status === 429 && rateLimited < MAX_RATE_LIMITED) {
        const waitMs = retryAfterMs(response.headers);
        if (waitMs <= (this.options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS)) {
          rateLimited += 1;
          this.options.onRateLimited?.(waitMs);
          await sleep(waitMs, options.signal, `waiting out the DigitalOcean rate limit (${request})`);
          continue;
        }
      }
      if (response.status >= 500 && idempotent && failures < backoff.length) {
        await sleep(backoff[failures] ?? 1_000, options.signal, `retrying ${request}`);
        failures += 1;
        continue;
      }
      if (response.status < 200 || response.status > 299) throw errorFromAnswer(response, request);
      return (response.text ? JSON.parse(response.text) : {}) as T;
    }
  }

  /** One HTTP exchange, body included, under the timeout (and the caller's signal for reads). */
  private async send(method: string, url: URL, options: CallOptions, cutByCaller: boolean): Promise<Answer> {
    const request = `${method} ${url.pathname}${url.search}`;
    const timeoutMs = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = cutByCaller && options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        dispatcher: dispatcher(),
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      if (cutByCaller && options.signal?.aborted) throw cancelled(`calling the DigitalOcean API (${request})`);
      if (timeout.aborted) {
        throw new DigitalOceanApiError({
          status: 0,
          apiMessage: `the DigitalOcean API at ${url.origin} did not answer ${request} within ${Math.round(timeoutMs / 1000)} s`,
          request,
          timedOut: true,
          cause: error,
        });
      }
      throw new DigitalOceanApiError({
        status: 0,
        apiMessage: `cannot reach the DigitalOcean API at ${url.origin} (${request}): ${networkReason(error)}`,
        request,
        cause: error,
      });
    }
  }
}

/** An HTTP answer, read in full. */
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** How long a 429 asks to wait: `Retry-After` (seconds or a date), else `ratelimit-reset`, else 1 s. */
export function retryAfterMs(headers: Headers, now = Date.now()): number {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get('ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return 1_000;
}

function errorFromAnswer(answer: Answer, request: string): DigitalOceanApiError {
  let body: { id?: unknown; message?: unknown; request_id?: unknown } = {};
  try {
    body = JSON.parse(answer.text) as typeof body;
  } catch {
    // Not DigitalOcean's JSON (a proxy's HTML page): the status and a snippet still say what happened.
  }
  const snippet = answer.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new DigitalOceanApiError({
    status: answer.status,
    errorId: typeof body.id === 'string' ? body.id : '',
    apiMessage: typeof body.message === 'string' ? body.message : snippet || 'no message',
    requestId:
      typeof body.request_id === 'string' && body.request_id
        ? body.request_id
        : (answer.headers.get('x-request-id') ?? ''),
    request,
  });
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}
