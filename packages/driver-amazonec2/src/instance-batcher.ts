/** What the driver reads about an instance. */
export interface InstanceView {
  instanceId: string;
  /** EC2's state name: pending, running, stopping, stopped, shutting-down, terminated. */
  state: string;
  publicIp: string;
  privateIp: string;
  stateReason: string;
  spotInstanceRequestId: string;
}

export interface BatcherOptions {
  /** A batch goes out once no lookup arrived for this long (a quiet gap between requests). */
  windowMs?: number;
  /** ... but at most this long after the first lookup of the batch (after `prepare`). */
  maxWindowMs?: number;
  /** How long an answer serves later lookups of the same instance (a `berth ls` asks URL, then state). */
  reuseMs?: number;
  /** Most instance ids per call (EC2 takes up to 1000 filter values; be modest). */
  maxIds?: number;
  /**
   * Runs before a batch is taken (loading the SDK, which takes most of a second): lookups that
   * arrive meanwhile join the batch instead of making a second call.
   */
  prepare?: () => Promise<void>;
}

interface Waiter {
  resolve: (view: InstanceView | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces the instance lookups of one driver process: lookups arriving within `windowMs` of each
 * other (bounded by `maxWindowMs`) go out as ONE DescribeInstances (filtered by instance id, so a missing instance does not fail
 * the others); its answer serves repeated lookups for `reuseMs`. `berth ls` of a hundred EC2
 * machines thus costs one call per region and account instead of two hundred.
 */
export class InstanceBatcher {
  private readonly windowMs: number;
  private readonly maxWindowMs: number;
  private lastArrival = 0;
  private readonly reuseMs: number;
  private readonly maxIds: number;
  private pending = new Map<string, Waiter[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly answers = new Map<string, { view: InstanceView | undefined; at: number }>();
  private readonly prepare: () => Promise<void>;

  constructor(
    private readonly describe: (ids: string[]) => Promise<Map<string, InstanceView>>,
    options: BatcherOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 10;
    this.maxWindowMs = options.maxWindowMs ?? 300;
    this.reuseMs = options.reuseMs ?? 2_000;
    this.maxIds = options.maxIds ?? 200;
    this.prepare = options.prepare ?? (async () => undefined);
  }

  /** The instance as EC2 last showed it (undefined: EC2 does not know it). */
  get(instanceId: string, signal?: AbortSignal): Promise<InstanceView | undefined> {
    const answer = this.answers.get(instanceId);
    if (answer && Date.now() - answer.at <= this.reuseMs) return Promise.resolve(answer.view);
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiter: Waiter = {
        resolve: (view) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(view);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.lastArrival = Date.now();
      const waiters = this.pending.get(instanceId) ?? [];
      waiters.push(waiter);
      this.pending.set(instanceId, waiters);
      this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
    });
  }

  /** Forgets what is known about an instance (after the driver changed its state). */
  invalidate(instanceId: string): void {
    this.answers.delete(instanceId);
  }

  private async flush(): Promise<void> {
    const started = Date.now();
    try {
      await this.prepare();
    } catch {
      // The describe call reports the same failure to every waiter.
    }
    // Requests read while preparing are in the batch. A long synchronous load (the SDK) also held
    // up the host on a busy machine, so the rest may still be coming: wait for a quiet gap that
    // grows with the load time (bounded) before taking the batch.
    const prepared = Date.now();
    const quietMs = Math.max(this.windowMs, Math.round((prepared - started) / 10));
    for (;;) {
      const last = this.lastArrival;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      if (this.lastArrival === last || Date.now() - prepared >= this.maxWindowMs) break;
    }
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += this.maxIds) chunks.push(ids.slice(start, start + this.maxIds));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const found = await this.describe(chunk);
          const at = Date.now();
          for (const id of chunk) {
            const view = found.get(id);
            this.answers.set(id, { view, at });
            for (const waiter of batch.get(id) ?? []) waiter.resolve(view);
          }
        } catch (error) {
          for (const id of chunk) for (const waiter of batch.get(id) ?? []) waiter.reject(error);
        }
      }),
    );
  }
}
