import { CancelledError, DriverCrashedError, DriverProtocolError, DriverTimeoutError } from '@berth/driver-protocol';
import type { DriverExit } from './driver-endpoint.js';
import type { FrameViolation } from './frame-guard.js';

// The errors the host raises about a driver process, worded in one place.

/** A call as messages name it: `machine/create for machine "dev"`. */
export interface CallLabel {
  method: string;
  machine?: string | undefined;
}

export function describeCall(call: CallLabel): string {
  return call.machine === undefined ? call.method : `${call.method} for machine "${call.machine}"`;
}

function describeExit(exit: DriverExit): string {
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return `exit code ${exit.code ?? 'unknown'}`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}

const REPORT = "If it happens again, report it to the driver's author.";

export function driverCrashed(
  driver: string,
  exit: DriverExit,
  stderr: readonly string[],
  inFlight: readonly CallLabel[],
): DriverCrashedError {
  const during = inFlight.length === 0 ? '' : ` while running ${inFlight.map(describeCall).join(', ')}`;
  const output =
    stderr.length === 0
      ? '\nIt wrote nothing to stderr.'
      : `\nLast lines of its stderr:\n${stderr.map((line) => `  ${line}`).join('\n')}`;
  return new DriverCrashedError(`Driver "${driver}" exited unexpectedly (${describeExit(exit)})${during}.${output}`, {
    actions: ["Re-run with --debug to see all of the driver's output.", REPORT],
    data: {
      driver,
      exitCode: exit.code,
      signal: exit.signal,
      stderr: [...stderr],
      calls: inFlight.map((call) => ({ ...call })),
    },
  });
}

export function driverTimedOut(driver: string, call: CallLabel, timeoutMs: number): DriverTimeoutError {
  return new DriverTimeoutError(
    `Driver "${driver}" did not answer ${describeCall(call)} within ${formatDuration(timeoutMs)}; Berth stopped it.`,
    {
      actions: ['Retry the command; the machine may need a moment.', REPORT],
      data: { driver, method: call.method, machine: call.machine ?? null, timeoutMs },
    },
  );
}

export function driverBrokeProtocol(driver: string, violation: FrameViolation): DriverProtocolError {
  return new DriverProtocolError(
    `Driver "${driver}" wrote something to stdout that is not a protocol frame (${violation.reason}): ${JSON.stringify(violation.excerpt)}`,
    {
      actions: [
        "This is a bug in the driver: a driver writes only JSON-RPC frames to stdout, and logs to stderr or $/log. Report it to the driver's author.",
      ],
      data: { driver, reason: violation.reason, excerpt: violation.excerpt },
    },
  );
}

export function driverResultInvalid(driver: string, call: CallLabel, problem: string): DriverProtocolError {
  return new DriverProtocolError(`Driver "${driver}" answered ${describeCall(call)} with ${problem}.`, {
    actions: ["This is a bug in the driver; report it to the driver's author."],
    data: { driver, method: call.method, machine: call.machine ?? null },
  });
}

export function callCancelled(driver: string, call: CallLabel): CancelledError {
  return new CancelledError(`${describeCall(call)} was cancelled.`, {
    data: { driver, method: call.method, machine: call.machine ?? null },
  });
}

export function driverShutDown(driver: string, inFlight: readonly CallLabel[]): CancelledError {
  const calls = inFlight.length === 0 ? '' : ` while running ${inFlight.map(describeCall).join(', ')}`;
  return new CancelledError(`Driver "${driver}" was shut down${calls}.`, { data: { driver } });
}
