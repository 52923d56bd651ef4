import { NotificationType, ParameterStructures, RequestType } from 'vscode-jsonrpc';
import type { BerthErrorData } from './error-wire.js';
import type {
  CreateParams,
  DriverConfigResult,
  GetIpResult,
  GetSshHostnameResult,
  GetSshKeyPathResult,
  GetSshPortResult,
  GetSshUsernameResult,
  GetStateResult,
  GetUrlResult,
  InitializeParams,
  InitializeResult,
  LogParams,
  MachineParams,
  ProgressParams,
  SetConfigFromFlagsParams,
  SetConfigFromFlagsResult,
  ShutdownParams,
} from './types.js';
import { protocolAtLeast } from './version.js';

// Every message of the protocol, declared once. Both sides use only `X.type`, so the compiler checks
// params and results at both ends. Params always travel by name (one object), so fields can be added.

/** Who sends a message. */
export type MessageDirection = 'hostToDriver' | 'driverToHost';

function request<P, R>(method: string) {
  return new RequestType<P, R, BerthErrorData>(method, ParameterStructures.byName);
}

/**
 * First request of every session: exchanges protocol versions, the driver's description,
 * capabilities and create flags. The driver rejects a host of another major with ProtocolVersionMismatch.
 * @since 1.0
 */
export const InitializeRequest = {
  method: 'driver/initialize',
  direction: 'hostToDriver',
  type: request<InitializeParams, InitializeResult>('driver/initialize'),
} as const;

/**
 * Last request of a session: release resources. The host then closes stdin; the driver exits on EOF.
 * @since 1.0
 */
export const ShutdownRequest = {
  method: 'driver/shutdown',
  direction: 'hostToDriver',
  type: request<ShutdownParams, null>('driver/shutdown'),
} as const;

/**
 * Read the resolved create-flag values into a new driver config. May reject with InvalidFlag/MissingFlag.
 * @since 1.0
 */
export const SetConfigFromFlagsRequest = {
  method: 'machine/setConfigFromFlags',
  direction: 'hostToDriver',
  type: request<SetConfigFromFlagsParams, SetConfigFromFlagsResult>('machine/setConfigFromFlags'),
} as const;

/**
 * Validate before anything is created (credentials, quotas, host tools). Must not create anything.
 * @since 1.0
 */
export const PreCreateCheckRequest = {
  method: 'machine/preCreateCheck',
  direction: 'hostToDriver',
  type: request<MachineParams, null>('machine/preCreateCheck'),
} as const;

/**
 * Create the machine and leave it booting. Returns the config with everything needed to find it again.
 * @since 1.0
 */
export const CreateRequest = {
  method: 'machine/create',
  direction: 'hostToDriver',
  type: request<CreateParams, DriverConfigResult>('machine/create'),
} as const;

/**
 * Destroy the machine's remote resources. Succeeds if they are already gone.
 * @since 1.0
 */
export const RemoveRequest = {
  method: 'machine/remove',
  direction: 'hostToDriver',
  type: request<MachineParams, null>('machine/remove'),
} as const;

/** Boot the machine (its IP may change). @since 1.0 */
export const StartRequest = {
  method: 'machine/start',
  direction: 'hostToDriver',
  type: request<MachineParams, DriverConfigResult>('machine/start'),
} as const;

/** Stop the machine gracefully. @since 1.0 */
export const StopRequest = {
  method: 'machine/stop',
  direction: 'hostToDriver',
  type: request<MachineParams, DriverConfigResult>('machine/stop'),
} as const;

/** Reboot a running machine (its IP may change). @since 1.0 */
export const RestartRequest = {
  method: 'machine/restart',
  direction: 'hostToDriver',
  type: request<MachineParams, DriverConfigResult>('machine/restart'),
} as const;

/** Stop the machine forcefully. @since 1.0 */
export const KillRequest = {
  method: 'machine/kill',
  direction: 'hostToDriver',
  type: request<MachineParams, DriverConfigResult>('machine/kill'),
} as const;

/**
 * Replace the machine's OS image (only when the driver declares capability `upgrade`).
 * @since 1.0
 */
export const UpgradeRequest = {
  method: 'machine/upgrade',
  direction: 'hostToDriver',
  type: request<MachineParams, DriverConfigResult>('machine/upgrade'),
} as const;

/** The machine's state. Read-only; may arrive concurrently with any call. @since 1.0 */
export const GetStateRequest = {
  method: 'machine/getState',
  direction: 'hostToDriver',
  type: request<MachineParams, GetStateResult>('machine/getState'),
} as const;

/** The Docker URL. Read-only. @since 1.0 */
export const GetUrlRequest = {
  method: 'machine/getUrl',
  direction: 'hostToDriver',
  type: request<MachineParams, GetUrlResult>('machine/getUrl'),
} as const;

/** The machine's IP or host name. Read-only. @since 1.0 */
export const GetIpRequest = {
  method: 'machine/getIp',
  direction: 'hostToDriver',
  type: request<MachineParams, GetIpResult>('machine/getIp'),
} as const;

/** SSH target host. Read-only. @since 1.0 */
export const GetSshHostnameRequest = {
  method: 'machine/getSshHostname',
  direction: 'hostToDriver',
  type: request<MachineParams, GetSshHostnameResult>('machine/getSshHostname'),
} as const;

/** SSH target port. Read-only. @since 1.0 */
export const GetSshPortRequest = {
  method: 'machine/getSshPort',
  direction: 'hostToDriver',
  type: request<MachineParams, GetSshPortResult>('machine/getSshPort'),
} as const;

/** SSH user. Read-only. @since 1.0 */
export const GetSshUsernameRequest = {
  method: 'machine/getSshUsername',
  direction: 'hostToDriver',
  type: request<MachineParams, GetSshUsernameResult>('machine/getSshUsername'),
} as const;

/** SSH private key path. Read-only. @since 1.0 */
export const GetSshKeyPathRequest = {
  method: 'machine/getSshKeyPath',
  direction: 'hostToDriver',
  type: request<MachineParams, GetSshKeyPathResult>('machine/getSshKeyPath'),
} as const;

/**
 * A log line from the driver. The host prints it prefixed with the driver name (debug only with `--debug`).
 * @since 1.0
 */
export const LogNotification = {
  method: '$/log',
  direction: 'driverToHost',
  type: new NotificationType<LogParams>('$/log', ParameterStructures.byName),
} as const;

/**
 * A progress line for the user about one machine. Its own name, not `$/progress`: JSON-RPC and LSP
 * libraries handle `$/progress` themselves (token-based work-done progress) and may swallow it.
 * @since 1.2
 */
export const ProgressNotification = {
  method: 'driver/progress',
  direction: 'driverToHost',
  type: new NotificationType<ProgressParams>('driver/progress', ParameterStructures.byName),
} as const;

/**
 * `driver/progress` ({@link ProgressNotification}) under its 1.0 and 1.1 name. Hosts accept both names; a
 * driver sends this one only to a host whose `driver/initialize` params announce a protocol below 1.2.
 * @since 1.0
 * @deprecated Since 1.2: send `driver/progress` to hosts of 1.2 and later (see progressNotificationFor).
 */
export const LegacyProgressNotification = {
  method: '$/progress',
  direction: 'driverToHost',
  type: new NotificationType<ProgressParams>('$/progress', ParameterStructures.byName),
} as const;

/**
 * The progress notification a host of `hostProtocolVersion` (from `driver/initialize` params) reads:
 * `driver/progress` from 1.2 on, the legacy `$/progress` for 1.0, 1.1 or an unreadable version.
 */
export function progressNotificationFor(
  hostProtocolVersion: string,
): typeof ProgressNotification | typeof LegacyProgressNotification {
  return protocolAtLeast(hostProtocolVersion, '1.2') ? ProgressNotification : LegacyProgressNotification;
}

/** Every request, in the order PROTOCOL.md lists them. */
export const REQUESTS = [
  InitializeRequest,
  ShutdownRequest,
  SetConfigFromFlagsRequest,
  PreCreateCheckRequest,
  CreateRequest,
  RemoveRequest,
  StartRequest,
  StopRequest,
  RestartRequest,
  KillRequest,
  UpgradeRequest,
  GetStateRequest,
  GetUrlRequest,
  GetIpRequest,
  GetSshHostnameRequest,
  GetSshPortRequest,
  GetSshUsernameRequest,
  GetSshKeyPathRequest,
] as const;

/** Every notification a host accepts (the legacy progress name included). */
export const NOTIFICATIONS = [LogNotification, ProgressNotification, LegacyProgressNotification] as const;

/** Requests that only read; a host may send them concurrently, also for one machine. */
export const READ_ONLY_METHODS: readonly string[] = [
  GetStateRequest.method,
  GetUrlRequest.method,
  GetIpRequest.method,
  GetSshHostnameRequest.method,
  GetSshPortRequest.method,
  GetSshUsernameRequest.method,
  GetSshKeyPathRequest.method,
];
