/** An error answer the simulator gives instead of doing the work, shaped as DigitalOcean's. */
export interface InjectedError {
  status: number;
  /** DigitalOcean's error id, e.g. `forbidden`, `server_error`. */
  id: string;
  message: string;
}

export interface FailOptions extends Partial<InjectedError> {
  /** With an operation id: fail its n-th call from now (1 = the next one). */
  occurrence?: number;
  /** How many calls in a row fail (default 1). */
  times?: number;
  /** Only calls made while this holds count (e.g. "once the droplet is active"). */
  when?: () => boolean;
}

export interface SlowOptions {
  /** Only this operation (an operationId of the spec, e.g. `droplets_create`); all when absent. */
  operation?: string;
  /** How many answers are late (default: all, until `clearFaults()`). */
  times?: number;
}

/** What the simulator does with one request. */
export interface FaultDecision {
  /** Answer this instead of doing the work. */
  error?: InjectedError & { retryAfterSeconds?: number };
  /** Hold the answer back this long, after the work is done. */
  delayMs: number;
}

const DEFAULT_FAILURE: InjectedError = {
  status: 403,
  id: 'forbidden',
  message: 'You are not authorized to perform this operation',
};

interface Failure {
  operation?: string;
  when?: () => boolean;
  /** Matching calls to let through first. */
  skip: number;
  times: number;
  error: InjectedError;
  /** Matching calls seen so far. */
  seen: number;
}

interface Delay {
  operation?: string;
  ms: number;
  times: number;
}

/** Faults injected on demand, consulted by the simulator for every request it gets. */
export class Faults {
  private failures: Failure[] = [];
  private delays: Delay[] = [];
  private rateLimited = { count: 0, retryAfterSeconds: 1 };
  /** New droplets never get a public address (their host is not started). */
  noIp = false;

  /**
   * Fails the `step`-th request from now (a number, 1 = the next request), or the next call (or the
   * `occurrence`-th) of an operation (an operationId such as `droplets_create`).
   */
  failAt(step: number | string, options: FailOptions = {}): void {
    const error: InjectedError = {
      status: options.status ?? DEFAULT_FAILURE.status,
      id: options.id ?? DEFAULT_FAILURE.id,
      message: options.message ?? DEFAULT_FAILURE.message,
    };
    const times = options.times ?? 1;
    const skip = (typeof step === 'number' ? step : (options.occurrence ?? 1)) - 1;
    const operation = typeof step === 'string' ? step : undefined;
    this.failures.push({ operation, when: options.when, skip, times, error, seen: 0 });
  }

  rateLimitNext(count: number, retryAfterSeconds: number): void {
    this.rateLimited = { count, retryAfterSeconds };
  }

  slow(ms: number, options: SlowOptions = {}): void {
    this.delays.push({ operation: options.operation, ms, times: options.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.failures = [];
    this.delays = [];
    this.rateLimited = { count: 0, retryAfterSeconds: 1 };
    this.noIp = false;
  }

  decide(operationId: string): FaultDecision {
    let delayMs = 0;
    for (const delay of this.delays) {
      if (delay.times > 0 && (delay.operation === undefined || delay.operation === operationId)) {
        delay.times -= 1;
        delayMs = Math.max(delayMs, delay.ms);
      }
    }
    if (this.rateLimited.count > 0) {
      this.rateLimited.count -= 1;
      return {
        delayMs: 0,
        error: {
          status: 429,
          id: 'too_many_requests',
          message: 'API Rate limit exceeded.',
          retryAfterSeconds: this.rateLimited.retryAfterSeconds,
        },
      };
    }
    let error: InjectedError | undefined;
    for (const failure of this.failures) {
      if (failure.operation !== undefined && failure.operation !== operationId) continue;
      if (failure.when && !failure.when()) continue;
      failure.seen += 1;
      if (!error && failure.seen > failure.skip && failure.seen <= failure.skip + failure.times) error = failure.error;
    }
    return error ? { delayMs, error } : { delayMs };
  }
}
