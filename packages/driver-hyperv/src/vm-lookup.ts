import { cancelled } from '@berth/driver-sdk';
import type { HypervHost, HypervVm } from './hyperv-host.js';

/** How long a list of every VM answers state questions (berth ls asks for each machine at once). */
export const SNAPSHOT_TTL_MS = 1_000;

interface Waiter {
  name: string;
  resolve: (vms: HypervVm[]) => void;
  reject: (error: unknown) => void;
  log: ((line: string) => void) | undefined;
}

const key = (name: string) => name.toLowerCase();

/**
 * Answers "which VMs have this name" for state, URL and IP questions, coalescing: questions asked
 * while PowerShell is busy (or in the same tick) are answered together, by one Get-VM of that VM
 * when only one name is asked, else by one Get-VM of every VM, which then answers every question
 * for a second. `berth ls` of 50 machines thus costs about one statement. Any change the driver
 * makes drops what is known ({@link invalidate}), and a list read while a change ran is not kept.
 */
export class VmLookup {
  private snapshot: { at: number; vms: HypervVm[] } | undefined;
  /** Answers about one name (Get-VM of that VM), kept as long as a snapshot. */
  private readonly single = new Map<string, { at: number; vms: HypervVm[] }>();
  private generation = 0;
  private waiting: Waiter[] = [];
  private busy = false;
  private scheduled = false;

  constructor(
    private readonly host: HypervHost,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forgets every answer: the driver is about to change, or has changed, a VM. */
  invalidate(): void {
    this.generation++;
    this.snapshot = undefined;
    this.single.clear();
  }

  /** The VMs named `name` (case-insensitively, as Hyper-V matches names); [] when there is none. */
  find(name: string, options: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<HypervVm[]> {
    const isFresh = (entry: { at: number } | undefined) =>
      entry !== undefined && this.now() - entry.at <= SNAPSHOT_TTL_MS;
    if (this.snapshot && isFresh(this.snapshot)) {
      return Promise.resolve(this.snapshot.vms.filter((vm) => key(vm.name) === key(name)));
    }
    const one = this.single.get(key(name));
    if (one && isFresh(one)) return Promise.resolve(one.vms);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelled('reading the VM state'));
    return new Promise<HypervVm[]>((resolve, reject) => {
      const onAbort = () => {
        this.waiting = this.waiting.filter((waiter) => waiter !== entry);
        reject(cancelled('reading the VM state'));
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      const entry: Waiter = {
        name,
        resolve: (vms) => {
          done();
          resolve(vms);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        log: options.log,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.busy) return;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.busy = true;
    const names = new Set(batch.map((waiter) => key(waiter.name)));
    const log = batch.find((waiter) => waiter.log)?.log;
    const generation = this.generation;
    const at = this.now();
    try {
      if (names.size === 1) {
        const name = (batch[0] as Waiter).name;
        const vms = await this.host.vmsNamed(name, log ? { log } : {});
        if (generation === this.generation) this.single.set(key(name), { at, vms });
        for (const waiter of batch) waiter.resolve(vms);
      } else {
        const vms = await this.host.vms(log ? { log } : {});
        if (generation === this.generation) this.snapshot = { at, vms };
        for (const waiter of batch) waiter.resolve(vms.filter((vm) => key(vm.name) === key(waiter.name)));
      }
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      this.busy = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }
}
