/**
 * The one table of stable error codes. Every BerthError carries one of these as `code`, on both
 * sides of the wire. A code never changes meaning once released; new codes may be added in a
 * minor protocol version (hosts that do not know a code still show its message and actions).
 *
 * The value is a one-line description for documentation (PROTOCOL.md mirrors this table).
 */
export const ERROR_CODES = {
  Internal: 'A bug in Berth or in a driver: something failed that should not fail.',
  NotSupported: 'The driver does not offer this operation (e.g. stopping a machine of the none driver).',
  Cancelled: 'The user interrupted the operation (Ctrl-C), or the host gave up on it.',
  Timeout: 'An operation did not finish in time (e.g. waiting for a machine to reach a state).',
  InvalidFlag: 'A create flag has a value that cannot be used.',
  MissingFlag: 'A create flag the driver requires was not given.',
  ProtocolVersionMismatch: 'Host and driver speak different major versions of the driver protocol.',
  DriverNotFound: 'No executable berth-driver-<name> was found, or it could not be started.',
  DriverProtocol: 'The driver broke the wire protocol (garbage on stdout, malformed message or result).',
  DriverCrashed: 'The driver process exited while the host still needed it.',
  DriverTimeout: 'The driver did not answer a call in time; the host stopped it.',
  MachineNotFound: 'No machine with that name exists in the store.',
  MachineExists: 'A machine with that name already exists in the store.',
  InvalidMachineName: 'The machine name contains characters outside 0-9a-zA-Z . -',
  MachineNotRunning: 'The operation needs a running machine and the machine is not running.',
  MachineAlreadyInState: 'The machine is already in the state asked for (start a running one, stop a stopped one).',
  StoreLocked: 'Another berth process holds the lock on the store or on the machine.',
  ConfigCorrupt: "A machine's config.json cannot be read, parsed or migrated.",
  CertificateError: 'Creating, reading or validating TLS certificates failed.',
  SshAuth: 'The SSH server rejected the credentials.',
  SshTimeout: 'The SSH connection or handshake timed out.',
  SshConnect: 'The SSH server could not be reached (refused, unreachable, DNS).',
  SshHostKeyChanged: 'The SSH host key differs from the one recorded for the machine.',
  ProvisionFailed: 'Installing or configuring Docker on the machine failed.',
  UnsupportedOs: "The machine's operating system is not one Berth can provision.",
  InvalidLsFilter: 'A `ls --filter` expression cannot be used.',
  TemplateParse: 'A `--format` template cannot be parsed.',
  TemplateExec: 'A `--format` template failed while rendering.',
  RemoteCommandFailed: 'A command Berth or a driver ran on the machine over SSH exited with an error.',
  CopyFailed: 'Copying files between this machine and a machine (scp) failed.',
} as const satisfies Record<string, string>;

/** Every stable error code a driver or the host can raise. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether `value` is one of the codes in {@link ERROR_CODES}. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
