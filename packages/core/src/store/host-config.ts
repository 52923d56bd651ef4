/**
 * config.json, ConfigVersion 3, as docker-machine 0.16 writes it. Keys are PascalCase like the file.
 * Every object keeps fields it does not know (index signatures), so a load + save never drops
 * what another client wrote. Go writes a nil slice as `null`, hence `string[] | null`.
 */

/** The ConfigVersion Berth reads and writes. */
export const CURRENT_CONFIG_VERSION = 3;

/**
 * Driver-specific state, produced by the driver and handed back to it verbatim. docker-machine's
 * drivers start with IPAddress, MachineName, SSHUser, SSHPort, SSHKeyPath, StorePath,
 * SwarmMaster, SwarmHost, SwarmDiscovery; the store does not check any of it.
 */
export type DriverConfig = Record<string, unknown>;

export interface EngineOptions {
  ArbitraryFlags: string[] | null;
  Dns: string[] | null;
  GraphDir: string;
  Env: string[] | null;
  Ipv6: boolean;
  InsecureRegistry: string[] | null;
  Labels: string[] | null;
  LogLevel: string;
  StorageDriver: string;
  SelinuxEnabled: boolean;
  TlsVerify: boolean;
  RegistryMirror: string[] | null;
  InstallURL: string;
  [unknownField: string]: unknown;
}

export interface SwarmOptions {
  IsSwarm: boolean;
  Address: string;
  Discovery: string;
  Agent: boolean;
  Master: boolean;
  Host: string;
  Image: string;
  Strategy: string;
  Heartbeat: number;
  Overcommit: number;
  ArbitraryFlags: string[] | null;
  ArbitraryJoinFlags: string[] | null;
  Env: string[] | null;
  IsExperimental: boolean;
  [unknownField: string]: unknown;
}

export interface AuthOptions {
  CertDir: string;
  CaCertPath: string;
  CaPrivateKeyPath: string;
  /** Stored as "" by docker-machine; provisioners compute the remote paths. */
  CaCertRemotePath: string;
  ServerCertPath: string;
  ServerKeyPath: string;
  ClientKeyPath: string;
  ServerCertRemotePath: string;
  ServerKeyRemotePath: string;
  ClientCertPath: string;
  /** Extra SANs from `--tls-san`. */
  ServerCertSANs: string[] | null;
  /** The machine directory. */
  StorePath: string;
  [unknownField: string]: unknown;
}

export interface HostOptions {
  /** Legacy, always "". */
  Driver: string;
  /** Legacy, always 0. */
  Memory: number;
  /** Legacy, always 0. */
  Disk: number;
  EngineOptions: EngineOptions;
  SwarmOptions: SwarmOptions;
  AuthOptions: AuthOptions;
  [unknownField: string]: unknown;
}

export interface HostConfig {
  ConfigVersion: number;
  Driver: DriverConfig;
  DriverName: string;
  HostOptions: HostOptions;
  /** Always the machine directory's name once loaded. */
  Name: string;
  [unknownField: string]: unknown;
}
