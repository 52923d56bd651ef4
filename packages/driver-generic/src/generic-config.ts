import type { DriverConfig } from '@berth/driver-protocol';

/** The generic driver's `Driver` object in config.json: Docker Machine's base keys plus its own two. */
export interface GenericConfig {
  IPAddress: string;
  MachineName: string;
  SSHUser: string;
  SSHPort: number;
  SSHKeyPath: string;
  StorePath: string;
  SwarmMaster: boolean;
  SwarmHost: string;
  SwarmDiscovery: string;
  EnginePort: number;
  /** The key path the user gave (`--generic-ssh-key`); SSHKeyPath is Berth's copy of it. */
  SSHKey: string;
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Reads the stored object leniently: a machine written by docker-machine has every key, older ones may not. */
export function readGenericConfig(raw: DriverConfig): GenericConfig {
  return {
    IPAddress: str(raw.IPAddress),
    MachineName: str(raw.MachineName),
    SSHUser: str(raw.SSHUser, 'root'),
    SSHPort: num(raw.SSHPort, 22),
    SSHKeyPath: str(raw.SSHKeyPath),
    StorePath: str(raw.StorePath),
    SwarmMaster: raw.SwarmMaster === true,
    SwarmHost: str(raw.SwarmHost),
    SwarmDiscovery: str(raw.SwarmDiscovery),
    EnginePort: num(raw.EnginePort, 2376),
    SSHKey: str(raw.SSHKey),
  };
}

/** Keeps keys the driver does not know (written by another client) next to its own. */
export function mergeGenericConfig(raw: DriverConfig, config: GenericConfig): DriverConfig {
  return { ...raw, ...config };
}
