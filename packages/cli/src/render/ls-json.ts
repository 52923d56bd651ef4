import { LEGACY_STATE_ORDER } from '@berth/driver-protocol';
import { jsonLine } from './json-line.js';
import type { JsonMachineState, LsMachineJson } from './json-shapes.js';
import { lastKnownAgeSeconds } from './ls-last-known.js';
import type { LsRow } from './ls-row.js';
import { swarmColumn, swarmMasters } from './ls-swarm.js';
import { sortLsRows } from './ls-table.js';

export interface LsJsonOptions {
  /** As for renderLs: the swarm masters, when timed-out rows lack their SwarmOptions. */
  readonly swarmMasters?: ReadonlyMap<string, string>;
  /** The time ages of last known states are counted to (default: now). */
  readonly now?: Date;
}

/** `ls --format json`: one object per machine, in the table's order. */
export function renderLsJson(rows: readonly LsRow[], options: LsJsonOptions = {}): string {
  const masters = options.swarmMasters ?? swarmMasters(rows);
  const now = options.now ?? new Date();
  return sortLsRows(rows)
    .map((row) => jsonLine(lsMachineJson(row, swarmColumn(row, masters), now)))
    .join('');
}

/** One row as its JSON object (see json-shapes.ts for what each field means). */
export function lsMachineJson(row: LsRow, swarm: string, now: Date): LsMachineJson {
  return {
    Name: row.Name,
    ActiveHost: row.ActiveHost,
    ActiveSwarm: row.ActiveSwarm,
    DriverName: row.ConfigUnreadable ? null : row.DriverName,
    State: jsonState(row.State),
    URL: row.URL || null,
    Swarm: swarm || null,
    DockerVersion: engineVersion(row.DockerVersion),
    Error: row.Error || null,
    ResponseTimeMs: Math.round(row.ResponseTime),
    LastKnown:
      row.LastKnown === undefined
        ? null
        : {
            State: jsonState(row.LastKnown.State),
            At: row.LastKnown.At,
            AgeSeconds: lastKnownAgeSeconds(row.LastKnown, now),
          },
  };
}

const STATE_NAMES: ReadonlySet<string> = new Set<JsonMachineState>(
  LEGACY_STATE_ORDER.filter((state) => state !== 'None'),
);

/** The table's state text as a state name: docker-machine prints None as an empty cell. */
function jsonState(display: string): JsonMachineState {
  if (display === '') return 'None';
  return STATE_NAMES.has(display) ? (display as JsonMachineState) : 'Error';
}

/** `v20.10.24` → `20.10.24`; `Unknown` or empty → null. */
function engineVersion(column: string): string | null {
  if (column === '' || column === 'Unknown') return null;
  return column.startsWith('v') ? column.slice(1) : column;
}
