import type { MachineState } from './machine-state.js';

// Plain data carried by the driver protocol. Every field is documented; fields added after 1.0
// carry `@since 1.x` and are optional.

/** The type of a create flag's value. */
export type CreateFlagType = 'string' | 'int' | 'bool' | 'string-array';

/** A resolved flag value: `string` for string, `number` for int, `boolean` for bool, `string[]` for string-array. */
export type FlagValue = string | number | boolean | string[];

/** Resolved create-flag values by flag name; the host sends one for every flag the driver declared. */
export type FlagValues = Record<string, FlagValue>;

/**
 * A create flag a driver accepts, as `berth create -d NAME --help` lists it.
 * @since 1.0
 */
export interface CreateFlag {
  /** Flag name without dashes, e.g. `generic-ip-address`. */
  name: string;
  type: CreateFlagType;
  /** One line for the help text. */
  description: string;
  /** Value when neither the flag nor its environment variable is given (zero value of the type if absent). */
  default?: FlagValue;
  /** Environment variable that supplies the value when the flag is absent. */
  envVar?: string;
  /** The value is a credential: the host redacts it in logs, traces and default `inspect` output. */
  secret?: boolean;
}

/**
 * Optional behaviour a driver declares instead of the host probing for it. A missing field means `false`.
 * @since 1.0
 */
export interface DriverCapabilities {
  /**
   * The driver can power a machine on and off (`machine/start`, `machine/stop`, `machine/kill`). When false
   * the host still makes the call (so the driver's own message reaches the user) but does not wait for a
   * state change afterwards.
   */
  powerControl?: boolean;
  /**
   * The machine is reachable over SSH (the `machine/getSsh*` calls answer). When false the host skips
   * provisioning and the TLS check after create, and `berth ssh`/`scp` refuse before calling the driver.
   */
  ssh?: boolean;
  /**
   * The driver can replace the machine's OS image itself (`machine/upgrade`, e.g. a boot2docker ISO swap).
   * When false `berth upgrade` upgrades Docker through the provisioner only.
   */
  upgrade?: boolean;
  /**
   * Keys of the driver config (the `Driver` object in config.json) that hold credentials, e.g.
   * `AccessToken`. The host shows them as `<redacted>` in `inspect` and never logs them.
   * @since 1.1
   */
  secretConfigKeys?: string[];
}

/**
 * A driver's part of a machine's config.json: the `Driver` object. Docker Machine's base keys
 * (`IPAddress`, `MachineName`, `SSHUser`, `SSHPort`, `SSHKeyPath`, `StorePath`, `SwarmMaster`, `SwarmHost`,
 * `SwarmDiscovery`) plus the driver's own keys. JSON-serialisable; the host stores it verbatim.
 */
export type DriverConfig = Record<string, unknown>;

/**
 * Everything a driver knows about one machine. The driver never reads or writes the store itself:
 * the state it needs arrives here, and changes go back in results.
 * @since 1.0
 */
export interface MachineContext {
  /** Machine name, e.g. `dev`. */
  name: string;
  /** Absolute path of the store (`--storage-path`), e.g. `~/.docker/machine`. */
  storePath: string;
  /** Absolute path of the machine's directory (`<store>/machines/<name>`); the driver may write files here. */
  machineDir: string;
  /** The stored `Driver` object, as last returned by the driver (or the base keys for a new machine). */
  driverConfig: DriverConfig;
}

/** Params of every `machine/*` call. @since 1.0 */
export interface MachineParams {
  machine: MachineContext;
}

/** Params of `machine/setConfigFromFlags`. @since 1.0 */
export interface SetConfigFromFlagsParams extends MachineParams {
  /** A value for every flag the driver declared, resolved from argv, environment and defaults. */
  flags: FlagValues;
}

/** Result of every call that may change the driver config; the host persists it. @since 1.0 */
export interface DriverConfigResult {
  /** The complete new `Driver` object (not a patch). Return the input unchanged if nothing changed. */
  driverConfig: DriverConfig;
}

/**
 * A disk image a local driver builds its machine from, fetched by the host into its shared cache
 * (`<store>/cache`, checked against `checksum`) so that every driver shares one download. @since 1.2
 */
export interface ImageRequest {
  /** An image of the host's catalogue (`debian-12`), which pins its URL and checksum; or give `url` and `checksum`. */
  name?: string;
  /** Architecture of a catalogue image: `amd64` or `arm64`. Default: the host's. */
  arch?: string;
  /** Where the image is published (`https://...`); the host may fetch it from a mirror instead. */
  url?: string;
  /** With `url`: `sha256:<hex>` or `sha512:<hex>`. The host uses no file that does not match. */
  checksum?: string;
}

/** Result of `machine/setConfigFromFlags`. @since 1.0 */
export interface SetConfigFromFlagsResult extends DriverConfigResult {
  /** The image the host fetches before `machine/create` (after `machine/preCreateCheck`). @since 1.2 */
  image?: ImageRequest;
}

/** A verified image in the host's cache. @since 1.2 */
export interface CachedImage {
  /** Absolute path of the file; read it, never write it (it is shared by every machine). */
  path: string;
  /** Where it was published, and the checksum it was verified against. */
  url: string;
  checksum: string;
}

/** Params of `machine/create`. @since 1.0 */
export interface CreateParams extends MachineParams {
  /** The image asked for in `machine/setConfigFromFlags`, ready in the cache. @since 1.2 */
  image?: CachedImage;
}

/** @since 1.0 */
export interface GetStateResult {
  state: MachineState;
}

/** @since 1.0 */
export interface GetUrlResult {
  /** Docker endpoint, e.g. `tcp://192.168.99.100:2376`; `''` when not known yet. */
  url: string;
}

/** @since 1.0 */
export interface GetIpResult {
  /** IP address or host name of the machine (the none driver answers `host:port`, as Docker Machine did). */
  ip: string;
}

/** @since 1.0 */
export interface GetSshHostnameResult {
  hostname: string;
}

/** @since 1.0 */
export interface GetSshPortResult {
  port: number;
}

/** @since 1.0 */
export interface GetSshUsernameResult {
  username: string;
}

/** @since 1.0 */
export interface GetSshKeyPathResult {
  /** Absolute path of the private key; `''` means the user's agent or default identities. */
  keyPath: string;
}

/** @since 1.0 */
export interface InitializeParams {
  /** Protocol version of the host, `MAJOR.MINOR`. */
  protocolVersion: string;
  /** Name of the host program, e.g. `berth`. */
  hostName: string;
  /** Version of the host program. */
  hostVersion: string;
}

/** @since 1.0 */
export interface InitializeResult {
  /** Driver name; must equal the `<name>` of the executable `berth-driver-<name>`. */
  name: string;
  /** Driver version (its own release version). */
  version: string;
  /** Protocol version the driver speaks, `MAJOR.MINOR`. */
  protocolVersion: string;
  capabilities: DriverCapabilities;
  createFlags: CreateFlag[];
}

/** Params of `driver/shutdown`: none yet; an object, so a later minor can add fields a receiver ignores. @since 1.0 */
export type ShutdownParams = Record<string, unknown>;

/** Severity of a `$/log` message. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Params of the `$/log` notification (driver → host). @since 1.0 */
export interface LogParams {
  level: LogLevel;
  message: string;
  /** The machine the message is about, when there is one. */
  machine?: string;
}

/** Params of the `driver/progress` notification (`$/progress` before 1.2; driver → host). @since 1.0 */
export interface ProgressParams {
  /** The machine being worked on. */
  machine: string;
  /** One line for the user, e.g. `Waiting for an IP...`. */
  message: string;
}
