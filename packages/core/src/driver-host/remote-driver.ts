import {
  type CreateParams,
  CreateRequest,
  type Driver,
  type DriverConfig,
  type DriverConfigResult,
  GetIpRequest,
  type GetIpResult,
  GetSshHostnameRequest,
  type GetSshHostnameResult,
  GetSshKeyPathRequest,
  type GetSshKeyPathResult,
  GetSshPortRequest,
  type GetSshPortResult,
  GetSshUsernameRequest,
  type GetSshUsernameResult,
  GetStateRequest,
  type GetStateResult,
  GetUrlRequest,
  type GetUrlResult,
  type InitializeResult,
  KillRequest,
  type MachineParams,
  PreCreateCheckRequest,
  RemoveRequest,
  RestartRequest,
  type SetConfigFromFlagsParams,
  SetConfigFromFlagsRequest,
  type SetConfigFromFlagsResult,
  type ShutdownParams,
  ShutdownRequest,
  StartRequest,
  StopRequest,
  UpgradeRequest,
} from '@berth/driver-protocol';
import type { CallLabel } from './driver-errors.js';
import type { DriverSession, RequestDeclaration } from './driver-session.js';
import { checkConfigResult, checkImageRequest, isPort, isState, isString, resultField } from './result-checks.js';
import type { SecretRedactor } from './secret-redactor.js';

/** Per-call options of a RemoteDriver method. A `CallContext` fits too, so RemoteDriver is a Driver. */
export interface CallOptions {
  /** Abort to cancel the call (`$/cancelRequest`); it rejects with CancelledError at once. */
  signal?: AbortSignal;
  /** Overrides the host's timeout for this call. */
  timeoutMs?: number;
}

/**
 * Where driver secrets are kept while the store holds references to them (core's SecretVault):
 * a driver receives its config revealed and its answers are concealed before anyone stores them.
 */
export interface DriverSecrets {
  reveal(driverConfig: DriverConfig): Promise<DriverConfig>;
  conceal(
    machine: string,
    keys: readonly string[],
    sent: DriverConfig,
    returned: DriverConfig,
    fresh: boolean,
  ): Promise<DriverConfig>;
}

export interface RemoteDriverSettings {
  session: DriverSession;
  description: InitializeResult;
  redactor: SecretRedactor;
  /** Without it, driver configs go to and from the driver as stored. */
  secrets?: DriverSecrets;
  pid: number;
  /** Timeout of calls that change things (create, start, ...). */
  callTimeoutMs: number;
  /** Timeout of read-only calls (getState, getUrl, ...). */
  queryTimeoutMs: number;
}

type Kind = 'call' | 'query';

/**
 * The host side of one driver process: a Driver whose methods are JSON-RPC calls. It serves every
 * machine of its driver (the machine travels in the params); calls may be concurrent. Answers are
 * checked, so a malformed one rejects with DriverProtocolError rather than leaking through.
 */
export class RemoteDriver implements Driver {
  readonly name: string;
  readonly version: string;
  /** What the driver said in `driver/initialize`: capabilities, create flags, protocol version. */
  readonly description: InitializeResult;
  /** Process id of the driver. */
  readonly pid: number;

  constructor(private readonly settings: RemoteDriverSettings) {
    this.description = settings.description;
    this.name = settings.description.name;
    this.version = settings.description.version;
    this.pid = settings.pid;
  }

  /** Whether the process is still usable (false after a crash, timeout or shutdown). */
  get alive(): boolean {
    return this.settings.session.alive;
  }

  /** The handshake already happened when the host started the driver: this returns its result. */
  async initialize(): Promise<InitializeResult> {
    return this.description;
  }

  async shutdown(_params?: ShutdownParams, options?: CallOptions): Promise<void> {
    await this.settings.session.request(ShutdownRequest, {}, this.requestOptions('call', undefined, options));
  }

  async setConfigFromFlags(params: SetConfigFromFlagsParams, options?: CallOptions): Promise<SetConfigFromFlagsResult> {
    this.settings.redactor.addFlagValues(this.description.createFlags, params.flags);
    const result = await this.send(SetConfigFromFlagsRequest, params, 'call', options);
    const label = this.label(SetConfigFromFlagsRequest, params);
    const { driverConfig } = checkConfigResult(this.name, label, result);
    return {
      driverConfig: await this.conceal(params, driverConfig, true),
      ...checkImageRequest(this.name, label, result),
    };
  }

  async preCreateCheck(params: MachineParams, options?: CallOptions): Promise<void> {
    await this.send(PreCreateCheckRequest, params, 'call', options);
  }

  async create(params: CreateParams, options?: CallOptions): Promise<DriverConfigResult> {
    return this.configCall(CreateRequest, params, options);
  }

  async remove(params: MachineParams, options?: CallOptions): Promise<void> {
    await this.send(RemoveRequest, params, 'call', options);
  }

  async start(params: MachineParams, options?: CallOptions): Promise<DriverConfigResult> {
    return this.configCall(StartRequest, params, options);
  }

  async stop(params: MachineParams, options?: CallOptions): Promise<DriverConfigResult> {
    return this.configCall(StopRequest, params, options);
  }

  async restart(params: MachineParams, options?: CallOptions): Promise<DriverConfigResult> {
    return this.configCall(RestartRequest, params, options);
  }

  async kill(params: MachineParams, options?: CallOptions): Promise<DriverConfigResult> {
    return this.configCall(KillRequest, params, options);
  }

  async upgrade(params: MachineParams, options?: CallOptions): Promise<DriverConfigResult> {
    return this.configCall(UpgradeRequest, params, options);
  }

  async getState(params: MachineParams, options?: CallOptions): Promise<GetStateResult> {
    const result = await this.send(GetStateRequest, params, 'query', options);
    return { state: this.field(GetStateRequest, params, result, 'state', isState, 'a machine state') };
  }

  async getUrl(params: MachineParams, options?: CallOptions): Promise<GetUrlResult> {
    const result = await this.send(GetUrlRequest, params, 'query', options);
    return { url: this.field(GetUrlRequest, params, result, 'url', isString, 'a string') };
  }

  async getIp(params: MachineParams, options?: CallOptions): Promise<GetIpResult> {
    const result = await this.send(GetIpRequest, params, 'query', options);
    return { ip: this.field(GetIpRequest, params, result, 'ip', isString, 'a string') };
  }

  async getSshHostname(params: MachineParams, options?: CallOptions): Promise<GetSshHostnameResult> {
    const result = await this.send(GetSshHostnameRequest, params, 'query', options);
    return { hostname: this.field(GetSshHostnameRequest, params, result, 'hostname', isString, 'a string') };
  }

  async getSshPort(params: MachineParams, options?: CallOptions): Promise<GetSshPortResult> {
    const result = await this.send(GetSshPortRequest, params, 'query', options);
    return { port: this.field(GetSshPortRequest, params, result, 'port', isPort, 'a port number') };
  }

  async getSshUsername(params: MachineParams, options?: CallOptions): Promise<GetSshUsernameResult> {
    const result = await this.send(GetSshUsernameRequest, params, 'query', options);
    return { username: this.field(GetSshUsernameRequest, params, result, 'username', isString, 'a string') };
  }

  async getSshKeyPath(params: MachineParams, options?: CallOptions): Promise<GetSshKeyPathResult> {
    const result = await this.send(GetSshKeyPathRequest, params, 'query', options);
    return { keyPath: this.field(GetSshKeyPathRequest, params, result, 'keyPath', isString, 'a string') };
  }

  private requestOptions(kind: Kind, machine: string | undefined, options: CallOptions | undefined) {
    const fallback = kind === 'query' ? this.settings.queryTimeoutMs : this.settings.callTimeoutMs;
    return { signal: options?.signal, timeoutMs: options?.timeoutMs ?? fallback, machine };
  }

  private async send<P extends MachineParams, R>(
    declaration: RequestDeclaration<P, R>,
    params: P,
    kind: Kind,
    options: CallOptions | undefined,
  ): Promise<R> {
    const { secrets } = this.settings;
    // A secret kept by a credential helper is stored as a reference; the driver needs the secret.
    const driverConfig = secrets ? await secrets.reveal(params.machine.driverConfig) : params.machine.driverConfig;
    // Stored credentials (a token in config.json or a helper) are redacted from anything the driver says.
    const secretKeys = this.description.capabilities.secretConfigKeys ?? [];
    if (secretKeys.length > 0) this.settings.redactor.addConfigValues(secretKeys, driverConfig);
    const sent =
      driverConfig === params.machine.driverConfig
        ? params
        : { ...params, machine: { ...params.machine, driverConfig } };
    return this.settings.session.request(declaration, sent, this.requestOptions(kind, params.machine.name, options));
  }

  /** A returned driver config as it may be stored: secrets kept by a helper become references. */
  private conceal(params: MachineParams, returned: DriverConfig, fresh: boolean): Promise<DriverConfig> | DriverConfig {
    const { secrets } = this.settings;
    const keys = this.description.capabilities.secretConfigKeys ?? [];
    if (secrets === undefined || keys.length === 0) return returned;
    return secrets.conceal(params.machine.name, keys, params.machine.driverConfig, returned, fresh);
  }

  private async configCall<P extends MachineParams, R extends DriverConfigResult>(
    declaration: RequestDeclaration<P, R>,
    params: P,
    options: CallOptions | undefined,
  ): Promise<DriverConfigResult> {
    const result = await this.send(declaration, params, 'call', options);
    const { driverConfig } = checkConfigResult(this.name, this.label(declaration, params), result);
    return { driverConfig: await this.conceal(params, driverConfig, false) };
  }

  private field<T>(
    declaration: { method: string },
    params: MachineParams,
    result: unknown,
    key: string,
    accept: (value: unknown) => value is T,
    kind: string,
  ): T {
    return resultField(this.name, this.label(declaration, params), result, key, accept, kind);
  }

  private label(declaration: { method: string }, params: MachineParams): CallLabel {
    return { method: declaration.method, machine: params.machine.name };
  }
}
