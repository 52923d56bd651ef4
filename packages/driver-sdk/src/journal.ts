import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One remote resource a driver made for a machine (a droplet, an SSH key, a security group). */
export interface JournalEntry {
  /** Resource type in the provider's words, e.g. `droplet`, `instance`, `key-pair`. */
  kind: string;
  /** The provider's id for it. */
  id: string;
  /** Where it lives when the id alone is not enough (a region, a VPC). */
  where?: string;
  /** When it was recorded (ISO 8601). */
  at: string;
}

/** File name of the journal inside the machine directory. */
export const JOURNAL_FILE = 'journal.json';

/**
 * The record of what a driver created for one machine, written the moment the provider returns
 * an id and before the driver's next call, so a failed or interrupted create (and `rm`) can remove
 * exactly what exists. It lives in the machine directory, which the host hands to the driver.
 */
export class MachineJournal {
  /** Writes to one journal are queued, so two records made at once both land. */
  private static readonly queues = new Map<string, Promise<unknown>>();
  readonly path: string;

  constructor(machineDir: string) {
    this.path = join(machineDir, JOURNAL_FILE);
  }

  async entries(): Promise<JournalEntry[]> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as { resources?: JournalEntry[] };
      return Array.isArray(parsed.resources) ? parsed.resources : [];
    } catch {
      return [];
    }
  }

  /** Records a resource; resolves only once the journal is safely on disk. */
  record(kind: string, id: string, where?: string): Promise<void> {
    return this.queued(async () => {
      const entries = await this.entries();
      entries.push({ kind, id, ...(where ? { where } : {}), at: new Date().toISOString() });
      await this.write(entries);
    });
  }

  /** Forgets a resource once it is gone (removed, or found already missing). */
  forget(kind: string, id: string): Promise<void> {
    return this.queued(async () => {
      const entries = (await this.entries()).filter((entry) => !(entry.kind === kind && entry.id === id));
      await this.write(entries);
    });
  }

  private queued(work: () => Promise<void>): Promise<void> {
    const previous = MachineJournal.queues.get(this.path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    MachineJournal.queues.set(this.path, next);
    return next;
  }

  private async write(entries: JournalEntry[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp-${process.pid}`;
    await writeFile(temp, `${JSON.stringify({ resources: entries }, null, 2)}\n`, { mode: 0o600 });
    const handle = await open(temp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
  }
}
