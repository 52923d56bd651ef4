import type { Readable, Writable } from 'node:stream';

/** How a driver ended: a process's exit code and signal; an in-process driver ends with code 0 or null. */
export interface DriverExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The far end of a driver session: a driver process (DriverProcess) or a driver served inside berth
 * (InProcessDriver). Either way the session speaks the same JSON-RPC frames over `stdin`/`stdout`.
 */
export interface DriverEndpoint {
  /** The driver's process id (berth's own for an in-process driver). */
  readonly pid: number;
  /** Frames to the driver. */
  readonly stdin: Writable;
  /** Frames from the driver. */
  readonly stdout: Readable;
  /** Settles once the driver has ended and its output has drained. */
  readonly exited: Promise<DriverExit>;
  /** The driver's last stderr lines, oldest first (none for an in-process driver). */
  stderrTail(): string[];
  /** Ends the driver the polite way (EOF), forcing it after `graceMs`. */
  stop(graceMs: number): Promise<DriverExit>;
  /** Ends a misbehaving driver, forcing it after `graceMs`. */
  kill(graceMs: number): Promise<DriverExit>;
}
