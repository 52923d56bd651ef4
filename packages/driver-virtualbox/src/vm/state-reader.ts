/** VMState of a VM by name; undefined: VirtualBox has no VM of that name. */
export type VmStateAnswer = string | undefined;

export interface StateSources {
  /** One VM's state (`showvminfo --machinereadable`). */
  one(name: string): Promise<VmStateAnswer>;
  /** Every registered VM's state, by name (one `list vms --long`). */
  all(): Promise<Map<string, string>>;
}

export interface StateReaderOptions {
  /** Questions arriving this close together are answered together. */
  windowMs?: number;
  /** How long an answer serves later questions, unless something changed meanwhile. */
  cacheMs?: number;
}

interface Waiter {
  name: string;
  resolve: (state: VmStateAnswer) => void;
  reject: (error: unknown) => void;
}

/**
 * Answers "what state is VM X in" for the whole driver process. `berth ls` asks about every
 * machine at once: the questions of one short window become ONE `list vms --long`, a lone question
 * one `showvminfo`. Answers are kept for a second and dropped whenever the driver changes a VM.
 */
export class VmStateReader {
  private readonly windowMs: number;
  private readonly cacheMs: number;
  private waiting: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private cache = new Map<string, { state: VmStateAnswer; at: number }>();
  private generation = 0;

  constructor(
    private readonly sources: StateSources,
    options: StateReaderOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 15;
    this.cacheMs = options.cacheMs ?? 1_000;
  }

  state(name: string): Promise<VmStateAnswer> {
    const cached = this.cache.get(name);
    if (cached && Date.now() - cached.at <= this.cacheMs) return Promise.resolve(cached.state);
    return new Promise((resolve, reject) => {
      this.waiting.push({ name, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Something changed a VM: no answer from before may serve again. */
  invalidate(): void {
    this.cache.clear();
    this.generation += 1;
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    const names = [...new Set(batch.map((waiter) => waiter.name))];
    const generation = this.generation;
    try {
      const answers = new Map<string, VmStateAnswer>();
      if (names.length === 1 && names[0] !== undefined) {
        answers.set(names[0], await this.sources.one(names[0]));
      } else {
        const all = await this.sources.all();
        for (const name of names) answers.set(name, all.get(name));
      }
      const at = Date.now();
      if (generation === this.generation) for (const [name, state] of answers) this.cache.set(name, { state, at });
      for (const waiter of batch) waiter.resolve(answers.get(waiter.name));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
