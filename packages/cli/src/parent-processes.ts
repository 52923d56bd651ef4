import { readFileSync } from 'node:fs';

/**
 * Names of this process's parent and grandparent, read from /proc on Linux; undefined where
 * they cannot be read (other systems, hidden /proc). `env` uses them to find the user's shell
 * when SHELL is unset, as it is under cron, CI runners and `env -i`.
 */
export function parentProcessNames(): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const names: string[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 2 && pid > 1; depth++) {
    const stat = readProc(pid, 'stat');
    const name = readProc(pid, 'comm')?.trim();
    if (stat === undefined || name === undefined) break;
    names.push(name);
    pid = parentOf(stat);
  }
  return names.length > 0 ? names : undefined;
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The PPID field of /proc/<pid>/stat; the name before it is in parentheses and may hold spaces. */
function parentOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number.parseInt(fields[1] ?? '0', 10) || 0;
}
