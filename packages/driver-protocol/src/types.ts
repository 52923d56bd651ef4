/** A create flag a driver accepts, as `berth create -d NAME --help` lists it. */
export interface CreateFlag {
  /** Flag name without dashes, e.g. `generic-ip-address`. */
  name: string;
  type: 'string' | 'int' | 'bool' | 'string-array';
  description: string;
  default?: string | number | boolean | string[];
  /** Environment variable that supplies the value when the flag is absent. */
  envVar?: string;
  /** The value is a credential: the host redacts it in logs and output. */
  secret?: boolean;
}

/** Optional behaviour a driver declares instead of the host probing for it. */
export interface DriverCapabilities {
  /** The driver can power a machine off and on (start/stop/kill). */
  powerControl?: boolean;
}

export interface InitializeParams {
  /** Protocol version of the host. */
  protocolVersion: string;
  hostName: string;
  hostVersion: string;
}

export interface InitializeResult {
  name: string;
  version: string;
  protocolVersion: string;
  capabilities: DriverCapabilities;
  createFlags: CreateFlag[];
}
