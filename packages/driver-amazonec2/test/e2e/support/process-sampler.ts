import { readdir, readFile } from 'node:fs/promises';

/** The processes descended from `rootPid`, by pid, with their command lines (read from /proc). */
async function descendants(rootPid: number): Promise<Map<number, string>> {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
      commands.set(Number(entry), (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim());
    } catch {
      // The process ended meanwhile.
    }
  }
  const found = new Map<number, string>();
  for (const [pid] of parents) {
    let at: number | undefined = pid;
    while (at !== undefined && at > 1 && at !== rootPid) at = parents.get(at);
    if (at === rootPid && pid !== rootPid) found.set(pid, commands.get(pid) ?? '');
  }
  return found;
}

/**
 * Polls /proc while a process runs and records every driver process it started: the names of
 * the drivers, once per process (so two processes of one driver show up twice).
 */
export function sampleDrivers(rootPid: number, everyMs = 20): { stop: () => Promise<string[]> } {
  const seen = new Map<number, string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const [pid, command] of await descendants(rootPid)) {
        const match = /berth-driver-([a-z0-9_-]+)/.exec(command);
        if (match?.[1]) seen.set(pid, match[1]);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return [...seen.values()].sort();
    },
  };
}
