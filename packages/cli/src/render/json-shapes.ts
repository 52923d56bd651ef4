/**
 * What `--format json` and `--progress json` print, one object per line. These types, the
 * schema in `packages/cli/schema/berth-output.schema.json` and `packages/cli/docs/output-json.md`
 * describe the same thing; the schema test holds real outputs to the schema. A field never
 * changes meaning once released; new fields may be added.
 */

import type { MachineState } from '@berth/driver-protocol';

/** A machine state by its name (the protocol's). docker-machine's table prints `None` as an empty cell. */
export type JsonMachineState = MachineState;

/** One line of `ls --format json`: the table's columns, typed; absent values are null. */
export interface LsMachineJson {
  readonly Name: string;
  /** DOCKER_HOST is this machine's URL (the ACTIVE column's `*`). */
  readonly ActiveHost: boolean;
  /** DOCKER_HOST is this machine's swarm URL (`* (swarm)`). */
  readonly ActiveSwarm: boolean;
  /** null when the machine's config.json cannot be read (the table's `not found`). */
  readonly DriverName: string | null;
  readonly State: JsonMachineState;
  readonly URL: string | null;
  /** The SWARM column. */
  readonly Swarm: string | null;
  /** The engine's version, without the table's `v` (`20.10.24`); null for the table's `Unknown`. */
  readonly DockerVersion: string | null;
  /** The ERRORS column. */
  readonly Error: string | null;
  /** How long the state query took, in milliseconds (the timeout for a timed-out machine). */
  readonly ResponseTimeMs: number;
  /** For a timed-out machine that answered before: what it said then, and when. Else null. */
  readonly LastKnown: LastKnownJson | null;
}

export interface LastKnownJson {
  readonly State: JsonMachineState;
  /** RFC 3339 time, UTC. */
  readonly At: string;
  /** Whole seconds from At to when `ls` ran. */
  readonly AgeSeconds: number;
}

/** `status --format json`. */
export interface StatusJson {
  readonly Name: string;
  readonly State: JsonMachineState;
}

/** `active --format json`. */
export interface ActiveJson {
  readonly Name: string;
}

/** `version --format json` without a machine: Berth's own version. */
export interface BerthVersionJson {
  readonly Version: string;
}

/** `version NAME --format json`: the machine's engine version, as `ls --format json` gives it. */
export interface MachineVersionJson {
  readonly Name: string;
  readonly DockerVersion: string;
}

/** Fields every `--progress json` line has. */
interface ProgressEventBase {
  /** The berth command: `create`, `provision`, `start`, `stop` or `rm`. */
  readonly command: string;
  /** The machine the line is about; null when it is about the command as a whole. */
  readonly machine: string | null;
  /** The line the text output prints. */
  readonly message: string;
  /** RFC 3339 time, UTC, with milliseconds. */
  readonly time: string;
}

/** A step of the operation; `step` counts them per machine from 1. */
export interface ProgressStepEvent extends ProgressEventBase {
  readonly type: 'step';
  readonly step: number;
}

/** A note that is not a step (what to run next, a warning the text output prints). */
export interface ProgressInfoEvent extends ProgressEventBase {
  readonly type: 'info';
}

/** A failure: its stable code and what the user must do. */
export interface ProgressErrorEvent extends ProgressEventBase {
  readonly type: 'error';
  /** A code from Berth's error table (`SshTimeout`, `MachineNotFound`, …), `UsageError` or `Internal`. */
  readonly code: string;
  readonly actions: readonly string[];
}

export type ProgressEvent = ProgressStepEvent | ProgressInfoEvent | ProgressErrorEvent;
