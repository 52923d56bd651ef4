import { readFileSync } from 'node:fs';

/** `pid:starttime`: unlike a bare pid, it is not fooled by pid reuse. */
export function processIdentity(pid: number = process.pid): string {
  return `${pid}:${startTime(pid) ?? 'gone'}`;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the parenthesised command name, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isProcessAlive(identity: string): boolean {
  const [pidText, start] = identity.split(':');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  return startTime(pid) === start;
}
