/**
 * The creates a driver process is running, by machine directory. A `remove` that arrives while
 * its machine's create still runs (the host's rollback after a Ctrl-C) waits for that create to
 * finish or fail first, so it removes what the create made rather than racing it.
 */
export class InFlightCreates {
  private readonly running = new Map<string, Promise<unknown>>();

  /** Runs `work` as the create of the machine in `machineDir`. */
  async run<T>(machineDir: string, work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.set(machineDir, promise);
    try {
      return await promise;
    } finally {
      if (this.running.get(machineDir) === promise) this.running.delete(machineDir);
    }
  }

  /** Resolves once no create of the machine in `machineDir` runs (whether it succeeded or not). */
  async settled(machineDir: string): Promise<void> {
    await this.running.get(machineDir)?.catch(() => undefined);
  }
}
