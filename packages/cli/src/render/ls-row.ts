import { formatGoDurationMs, type GoField, GoStringer, GoStruct } from '@berth/go-format';
import type { LsSwarmMode } from './ls-swarm.js';

/** The swarm settings `ls` looks at, as stored in config.json (`HostOptions.SwarmOptions`). */
export interface LsSwarmOptions {
  readonly IsSwarm?: boolean;
  readonly Address?: string;
  readonly Discovery?: string;
  readonly Agent?: boolean;
  readonly Master?: boolean;
  readonly Host?: string;
  readonly Image?: string;
  readonly Strategy?: string;
  readonly Heartbeat?: number;
  readonly Overcommit?: number;
  readonly ArbitraryFlags?: readonly string[] | null;
  readonly ArbitraryJoinFlags?: readonly string[] | null;
  readonly Env?: readonly string[] | null;
  readonly IsExperimental?: boolean;
}

/** The engine settings `ls` exposes, as stored in config.json (`HostOptions.EngineOptions`). */
export interface LsEngineOptions {
  readonly ArbitraryFlags?: readonly string[] | null;
  readonly Dns?: readonly string[] | null;
  readonly GraphDir?: string;
  readonly Env?: readonly string[] | null;
  readonly Ipv6?: boolean;
  readonly InsecureRegistry?: readonly string[] | null;
  readonly Labels?: readonly string[] | null;
  readonly LogLevel?: string;
  readonly StorageDriver?: string;
  readonly SelinuxEnabled?: boolean;
  readonly TlsVerify?: boolean;
  readonly RegistryMirror?: readonly string[] | null;
  readonly InstallURL?: string;
}

/** What a machine answered at its last probe that got an answer (see core's last-known-state). */
export interface LsLastKnown {
  readonly State: string;
  /** ISO 8601 time of that answer. */
  readonly At: string;
}

/**
 * One machine in `ls`, with docker-machine's field names (they are the `--format` fields).
 * A machine whose state query timed out has only Name, DriverName, State `Timeout` and
 * ResponseTime; one whose config could not be read has DriverName `not found`, State
 * `Error` and the load error in Error. Both leave SwarmOptions and EngineOptions unset.
 * LastKnown is Berth's, not a template field: `{{json .}}` stays docker-machine's.
 */
export interface LsRow {
  readonly Name: string;
  /** `*`, `* (swarm)`, `-`, or empty for timed-out and unreadable machines. */
  readonly Active: string;
  readonly ActiveHost: boolean;
  readonly ActiveSwarm: boolean;
  readonly DriverName: string;
  /** `Running`, `Stopped`, … ; empty for Go's `None`. */
  readonly State: string;
  readonly URL: string;
  readonly SwarmOptions?: LsSwarmOptions | null;
  readonly EngineOptions?: LsEngineOptions | null;
  readonly Error: string;
  /** `v20.10.24`, or `Unknown`. */
  readonly DockerVersion: string;
  /** Milliseconds the state query took (the timeout for timed-out machines). */
  readonly ResponseTime: number;
  /** For a timed-out machine: its last known state, if it ever answered. */
  readonly LastKnown?: LsLastKnown | undefined;
  /** The machine's config.json could not be read (the row shows DriverName `not found`). */
  readonly ConfigUnreadable?: boolean;
  /** The swarm-mode membership Berth set up (Berth's, not a template field; the SWARM column shows it). */
  readonly SwarmMode?: LsSwarmMode | undefined;
}

/** docker-machine's state enum: `{{json .State}}` printed these numbers. */
const STATE_NUMBERS: Readonly<Record<string, number>> = {
  '': 0,
  Running: 1,
  Paused: 2,
  Saved: 3,
  Stopped: 4,
  Stopping: 5,
  Starting: 6,
  Error: 7,
  Timeout: 8,
};

/** Header row of a `table` format: the template runs once over this map. */
export const LS_HEADERS: Readonly<Record<string, string>> = {
  Name: 'NAME',
  Active: 'ACTIVE',
  ActiveHost: 'ACTIVE_HOST',
  ActiveSwarm: 'ACTIVE_SWARM',
  DriverName: 'DRIVER',
  State: 'STATE',
  URL: 'URL',
  SwarmOptions: 'SWARM_OPTIONS',
  Swarm: 'SWARM',
  EngineOptions: 'ENGINE_OPTIONS',
  Error: 'ERRORS',
  DockerVersion: 'DOCKER',
  ResponseTime: 'RESPONSE',
};

type FieldSpec = readonly [name: string, kind: 'string' | 'bool' | 'int' | 'float' | 'list', jsonName?: string];

const SWARM_FIELDS: readonly FieldSpec[] = [
  ['IsSwarm', 'bool'],
  ['Address', 'string'],
  ['Discovery', 'string'],
  ['Agent', 'bool'],
  ['Master', 'bool'],
  ['Host', 'string'],
  ['Image', 'string'],
  ['Strategy', 'string'],
  ['Heartbeat', 'int'],
  ['Overcommit', 'float'],
  ['ArbitraryFlags', 'list'],
  ['ArbitraryJoinFlags', 'list'],
  ['Env', 'list'],
  ['IsExperimental', 'bool'],
];

// Go field names differ from the JSON keys for two fields (DNS/Dns, TLSVerify/TlsVerify).
const ENGINE_FIELDS: readonly FieldSpec[] = [
  ['ArbitraryFlags', 'list'],
  ['DNS', 'list', 'Dns'],
  ['GraphDir', 'string'],
  ['Env', 'list'],
  ['Ipv6', 'bool'],
  ['InsecureRegistry', 'list'],
  ['Labels', 'list'],
  ['LogLevel', 'string'],
  ['StorageDriver', 'string'],
  ['SelinuxEnabled', 'bool'],
  ['TLSVerify', 'bool', 'TlsVerify'],
  ['RegistryMirror', 'list'],
  ['InstallURL', 'string'],
];

/**
 * The value a row template sees: a Go `commands.HostListItem`, with the computed Swarm column.
 * `stateText` replaces what `{{.State}}` prints (the default table's `Timeout (Running 12m ago)`);
 * `{{json .State}}` keeps the state's number.
 */
export function lsTemplateData(row: LsRow, swarm: string, stateText: string = row.State): GoStruct {
  const fields: GoField[] = [
    { name: 'Name', value: row.Name },
    { name: 'Active', value: row.Active },
    { name: 'ActiveHost', value: row.ActiveHost },
    { name: 'ActiveSwarm', value: row.ActiveSwarm },
    { name: 'DriverName', value: row.DriverName },
    { name: 'State', value: new GoStringer('state.State', stateText, STATE_NUMBERS[row.State] ?? 0) },
    { name: 'URL', value: row.URL },
    { name: 'SwarmOptions', value: optionsStruct('*swarm.Options', SWARM_FIELDS, row.SwarmOptions) },
    { name: 'Swarm', value: swarm },
    { name: 'EngineOptions', value: optionsStruct('*engine.Options', ENGINE_FIELDS, row.EngineOptions) },
    { name: 'Error', value: row.Error },
    { name: 'DockerVersion', value: row.DockerVersion },
    {
      name: 'ResponseTime',
      value: new GoStringer(
        'time.Duration',
        formatGoDurationMs(row.ResponseTime),
        BigInt(Math.round(row.ResponseTime)) * 1_000_000n,
      ),
    },
  ];
  return new GoStruct('commands.HostListItem', fields);
}

function optionsStruct(typeName: string, specs: readonly FieldSpec[], source: object | null | undefined): GoStruct {
  const stored = new Map<string, unknown>(Object.entries(source ?? {}));
  const fields = specs.map(([name, kind, jsonName]): GoField => {
    const raw = stored.get(jsonName ?? name);
    const value = goFieldValue(kind, raw);
    return jsonName === undefined ? { name, value } : { name, value, jsonName };
  });
  return new GoStruct(typeName, fields, { nil: source === null || source === undefined });
}

/** Zero values for missing fields, ints as bigint; a null list prints `[]` as Go's nil slice does. */
function goFieldValue(kind: FieldSpec[1], raw: unknown): unknown {
  switch (kind) {
    case 'string':
      return typeof raw === 'string' ? raw : '';
    case 'bool':
      return raw === true;
    case 'int':
      return typeof raw === 'number' && Number.isFinite(raw) ? BigInt(Math.trunc(raw)) : 0n;
    case 'float':
      return typeof raw === 'number' ? raw : 0;
    case 'list':
      return Array.isArray(raw) ? [...raw] : [];
  }
}
