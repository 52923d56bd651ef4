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
  LogLevel,
  MachineParams,
  SetConfigFromFlagsParams,
  SetConfigFromFlagsResult,
  ShutdownParams,
} from './types.js';

/**
 * What a call gets besides its params. In a served driver `serve()` builds it: `signal` aborts on the
 * host's `$/cancelRequest` (Ctrl-C), `log` and `progress` send `$/log` and `driver/progress`.
 */
export interface CallContext {
  /** Aborted when the host cancels the call. Pass it to everything long-running. */
  readonly signal: AbortSignal;
  /** A log line for the host (`$/log`), about the call's machine if it has one. */
  log(level: LogLevel, message: string): void;
  /** A progress line for the user (`driver/progress`; `$/progress` to hosts before 1.2) about the call's machine. */
  progress(message: string): void;
}

/**
 * What a driver implements: one method per protocol request, same name (`machine/getState` ↔
 * `getState`), same params and result. `serve()` exposes it over JSON-RPC; the host's `RemoteDriver`
 * implements it on the other side, so a driver does not know whether it runs in-process or not.
 *
 * Rules every implementation follows:
 * - Every method returns a Promise and reports failure by rejecting with a BerthError (anything else
 *   reaches the user as an `Internal` error tagged with the driver name).
 * - An operation the driver does not offer rejects with `NotSupportedError`; never a silent no-op.
 * - The driver keeps no state between calls that it needs later: everything goes into `driverConfig`.
 * - Calls for different machines may run concurrently; read-only calls may overlap any call.
 *
 * Extend {@link BaseDriver} to get `initialize`, `shutdown` and `preCreateCheck` for free.
 */
export interface Driver {
  /** Driver name, as in `berth-driver-<name>` and `--driver <name>`. */
  readonly name: string;
  /** The driver's own release version. */
  readonly version: string;
  /** `driver/initialize`: describe the driver. `serve()` has already checked the protocol major. */
  initialize(params: InitializeParams, context: CallContext): Promise<InitializeResult>;
  /** `driver/shutdown`: release resources; the process exits on stdin EOF afterwards. */
  shutdown(params: ShutdownParams, context: CallContext): Promise<void>;
  /** `machine/setConfigFromFlags`: build the driver config from resolved flag values. */
  setConfigFromFlags(params: SetConfigFromFlagsParams, context: CallContext): Promise<SetConfigFromFlagsResult>;
  /** `machine/preCreateCheck`: validate before anything is created or stored. */
  preCreateCheck(params: MachineParams, context: CallContext): Promise<void>;
  /** `machine/create`: create the machine and leave it booting. */
  create(params: CreateParams, context: CallContext): Promise<DriverConfigResult>;
  /** `machine/remove`: destroy remote resources; succeed when already gone. */
  remove(params: MachineParams, context: CallContext): Promise<void>;
  /** `machine/start`: boot. */
  start(params: MachineParams, context: CallContext): Promise<DriverConfigResult>;
  /** `machine/stop`: graceful stop. */
  stop(params: MachineParams, context: CallContext): Promise<DriverConfigResult>;
  /** `machine/restart`: reboot. */
  restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult>;
  /** `machine/kill`: forceful stop. */
  kill(params: MachineParams, context: CallContext): Promise<DriverConfigResult>;
  /** `machine/upgrade`: replace the OS image (capability `upgrade`). */
  upgrade(params: MachineParams, context: CallContext): Promise<DriverConfigResult>;
  /** `machine/getState`. */
  getState(params: MachineParams, context: CallContext): Promise<GetStateResult>;
  /** `machine/getUrl`. */
  getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult>;
  /** `machine/getIp`. */
  getIp(params: MachineParams, context: CallContext): Promise<GetIpResult>;
  /** `machine/getSshHostname`. */
  getSshHostname(params: MachineParams, context: CallContext): Promise<GetSshHostnameResult>;
  /** `machine/getSshPort`. */
  getSshPort(params: MachineParams, context: CallContext): Promise<GetSshPortResult>;
  /** `machine/getSshUsername`. */
  getSshUsername(params: MachineParams, context: CallContext): Promise<GetSshUsernameResult>;
  /** `machine/getSshKeyPath`. */
  getSshKeyPath(params: MachineParams, context: CallContext): Promise<GetSshKeyPathResult>;
}

/** The name of a Driver method (= the part after the `/` of its protocol method). */
export type DriverMethodName = keyof Driver;
