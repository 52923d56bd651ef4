import { BerthError } from './errors.js';

// The errors a driver raises, or that the protocol layer and the driver host raise about a driver.
// Errors of the store, certificates, SSH and provisioning live in @berth/core and use the same base
// and the same code table; pass their classes to `errorFromWire` to rebuild them from the wire.

/** A bug: something failed that should not. Report it, with the output of `--debug`. */
export class InternalError extends BerthError {
  override readonly code = 'Internal' as const;
}

/**
 * The driver does not offer this operation. The one shared "unimplemented" error: drivers never
 * define their own. Nothing to retry; use another command or another driver.
 */
export class NotSupportedError extends BerthError {
  override readonly code = 'NotSupported' as const;
}

/** The user interrupted the operation (Ctrl-C), or the host shut down. Re-run the command. */
export class CancelledError extends BerthError {
  override readonly code = 'Cancelled' as const;
}

/** An operation did not finish in time. Check the machine, then retry (maybe with a longer timeout). */
export class TimeoutError extends BerthError {
  override readonly code = 'Timeout' as const;
}

/** A create flag has a value the driver cannot use. The message names the flag and the value; fix it. */
export class InvalidFlagError extends BerthError {
  override readonly code = 'InvalidFlag' as const;
}

/** A create flag the driver needs was not given. Add it (see `berth create -d <driver> --help`). */
export class MissingFlagError extends BerthError {
  override readonly code = 'MissingFlag' as const;
}

/** The operation needs a running machine. Start it (`berth start <name>`) and retry. */
export class MachineNotRunningError extends BerthError {
  override readonly code = 'MachineNotRunning' as const;
}

/** Host and driver speak different protocol majors. Upgrade the side the message names. */
export class ProtocolVersionMismatchError extends BerthError {
  override readonly code = 'ProtocolVersionMismatch' as const;
}

/** No usable `berth-driver-<name>` executable. Install the driver or fix the search path. */
export class DriverNotFoundError extends BerthError {
  override readonly code = 'DriverNotFound' as const;
}

/** The driver broke the wire protocol. A bug in the driver: report it to its author. */
export class DriverProtocolError extends BerthError {
  override readonly code = 'DriverProtocol' as const;
}

/** The driver process exited while in use. Its last stderr lines are in the message and in `data`. */
export class DriverCrashedError extends BerthError {
  override readonly code = 'DriverCrashed' as const;
}

/** The driver did not answer in time and was stopped. Retry; if it recurs, report it to the driver's author. */
export class DriverTimeoutError extends BerthError {
  override readonly code = 'DriverTimeout' as const;
}
