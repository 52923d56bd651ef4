import type { Readable } from 'node:stream';
import type { MessageReader, MessageWriter } from 'vscode-jsonrpc';

/** How a driver ended: a process's exit code and signal; an in-process driver ends with code 0 or null. */
export interface DriverExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The far end of a driver session: a driver process (DriverProcess) or a driver served inside berth
 * (InProcessDriver). Either way the session speaks the same JSON-RPC messages through `reader` and
 * `writer`: framed on a process's stdin and stdout, passed as JSON copies in process.
 */
export interface DriverEndpoint {
  /** The driver's process id (berth's own for an in-process driver). */
  readonly pid: number;
  /** Messages from the driver. */
  readonly reader: MessageReader;
  /** Messages to the driver. */
  readonly writer: MessageWriter;
  /** The raw frames from a driver process, for the session's framing check; none in process. */
  readonly frames?: Readable | undefined;
  /** Settles once the driver has ended and its output has drained. */
  readonly exited: Promise<DriverExit>;
  /** The driver's last stderr lines, oldest first (none for an in-process driver). */
  stderrTail(): string[];
  /** Ends the driver the polite way (EOF), forcing it after `graceMs`. */
  stop(graceMs: number): Promise<DriverExit>;
  /** Ends a misbehaving driver, forcing it after `graceMs`. */
  kill(graceMs: number): Promise<DriverExit>;
}
