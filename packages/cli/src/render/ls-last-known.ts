import type { LsLastKnown, LsRow } from './ls-row.js';

/**
 * How long ago a last known state was seen, in the largest whole unit: `45s`, `12m`, `5h`, `3d`.
 * A time in the future (another machine's clock) counts as now.
 */
export function formatAge(ageMs: number): string {
  const seconds = Math.max(0, Math.floor(ageMs / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Whole seconds from `lastKnown.At` to `now` (0 for a time ahead of `now`). */
export function lastKnownAgeSeconds(lastKnown: LsLastKnown, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(lastKnown.At)) / 1000));
}

/**
 * The STATE cell of the default table: `Timeout (Running 12m ago)` for a machine that timed out
 * after answering once. It still says Timeout first, as docker-machine's column did, so what reads
 * the column still sees that the machine did not answer; the rest is what it last said.
 */
export function displayedState(row: LsRow, now: Date): string {
  if (row.State !== 'Timeout' || row.LastKnown === undefined) return row.State;
  const age = formatAge(lastKnownAgeSeconds(row.LastKnown, now) * 1000);
  return `Timeout (${row.LastKnown.State} ${age} ago)`;
}
