import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One line of `<state>/calls.log`. A one-shot call (docker-machine's) is one `argv` entry; a
 * long-lived session is a `session` entry when the process starts, then one `statement` entry per
 * line it reads. Processes are counted by distinct `pid`.
 */
export interface HypervSimCall {
  tool: 'powershell.exe';
  kind: 'argv' | 'session' | 'statement';
  pid: number;
  /** The process's arguments (after the executable). */
  argv: string[];
  /** The PowerShell text run: argv[2:] joined by spaces, or the statement line. */
  script: string;
  /** The envelope's BODY, for a session statement. */
  body?: string;
  /** argv mode: the process's exit code. */
  exitCode?: number;
  /** Session statements: whether the answer was ok:true. */
  ok?: boolean;
  /** The text matched none of the forms the simulator knows (drift between driver and simulator). */
  unrecognised?: boolean;
  /** Milliseconds since the epoch when the call finished. */
  at: number;
}

export function callLogPath(stateDir: string): string {
  return join(stateDir, 'calls.log');
}

/** One write(2) per line in append mode: lines from racing processes never interleave. */
export function appendCall(stateDir: string, call: Omit<HypervSimCall, 'tool' | 'at' | 'pid'>): void {
  const line: HypervSimCall = { tool: 'powershell.exe', pid: process.pid, ...call, at: Date.now() };
  appendFileSync(callLogPath(stateDir), `${JSON.stringify(line)}\n`);
}

export async function readCalls(stateDir: string): Promise<HypervSimCall[]> {
  let text: string;
  try {
    text = await readFile(callLogPath(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HypervSimCall);
}
