import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a machine last answered when `ls` (or `active`) asked, kept beside config.json so that a
 * machine that later stops answering can be shown with its last known state and how old that is.
 * docker-machine ignores unknown files in a machine directory and removes them with it.
 */
export const LAST_STATE_FILE = 'berth-last-state.json';

export interface LastKnownState {
  /** Display state the driver answered: `Running`, `Stopped`, … */
  state: string;
  /** When it answered (ISO 8601, UTC). */
  at: string;
}

/**
 * Records `state` for the machine in `dir`. Atomic (a temp file renamed over the old one, so a
 * reader sees the old record or the new one), but not synced: this is a hint that the next probe
 * rewrites, and an fsync per machine would make `ls` of many machines pay a disk flush each. A
 * machine removed meanwhile (no directory) is not recreated.
 */
export async function recordLastKnownState(dir: string, state: LastKnownState): Promise<void> {
  const path = join(dir, LAST_STATE_FILE);
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, `${JSON.stringify({ state: state.state, at: state.at })}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The record of `dir`, or undefined when there is none or it cannot be used (torn, hand-edited). */
export async function readLastKnownState(dir: string): Promise<LastKnownState | undefined> {
  let text: string;
  try {
    // Sync, as the store's other reads (load-machine.ts): `ls` reads one of these per machine.
    text = readFileSync(join(dir, LAST_STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { state?: unknown; at?: unknown };
    if (typeof parsed.state !== 'string' || parsed.state === '' || typeof parsed.at !== 'string') return undefined;
    if (Number.isNaN(Date.parse(parsed.at))) return undefined;
    return { state: parsed.state, at: parsed.at };
  } catch {
    return undefined;
  }
}
