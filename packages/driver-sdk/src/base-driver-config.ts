import type { DriverConfig, MachineContext } from '@berth/driver-protocol';

/**
 * The keys every driver config starts with (Docker Machine's BaseDriver), in config.json order.
 * Drivers add their own keys after these.
 */
export interface BaseDriverConfig {
  IPAddress: string;
  MachineName: string;
  SSHUser: string;
  SSHPort: number;
  SSHKeyPath: string;
  StorePath: string;
  SwarmMaster: boolean;
  SwarmHost: string;
  SwarmDiscovery: string;
}

function text(config: DriverConfig, key: string, fallback: string): string {
  const value = config[key];
  return typeof value === 'string' ? value : fallback;
}

/**
 * The base keys of a machine's driver config, read from `machine.driverConfig` with Docker Machine's
 * zero values for missing ones (`MachineName` and `StorePath` default to the machine context).
 */
export function baseDriverConfig(machine: MachineContext): BaseDriverConfig {
  const config = machine.driverConfig;
  const port = config.SSHPort;
  return {
    IPAddress: text(config, 'IPAddress', ''),
    MachineName: text(config, 'MachineName', machine.name),
    SSHUser: text(config, 'SSHUser', ''),
    SSHPort: typeof port === 'number' && Number.isInteger(port) ? port : 0,
    SSHKeyPath: text(config, 'SSHKeyPath', ''),
    StorePath: text(config, 'StorePath', machine.storePath),
    SwarmMaster: config.SwarmMaster === true,
    SwarmHost: text(config, 'SwarmHost', ''),
    SwarmDiscovery: text(config, 'SwarmDiscovery', ''),
  };
}

/**
 * A complete driver config in stable key order: the base keys (with `base` overriding some, e.g. a
 * new `IPAddress`), then the driver's own keys from `own`, then every other key of
 * `machine.driverConfig` unchanged (so keys written by a newer version of the driver survive).
 */
export function composeDriverConfig(
  machine: MachineContext,
  base: Partial<BaseDriverConfig>,
  own: DriverConfig,
): DriverConfig {
  const config: DriverConfig = { ...baseDriverConfig(machine), ...base, ...own };
  for (const [key, value] of Object.entries(machine.driverConfig)) {
    if (!Object.hasOwn(config, key)) config[key] = value;
  }
  return config;
}

const BASE_KEYS = [
  'IPAddress',
  'MachineName',
  'SSHUser',
  'SSHPort',
  'SSHKeyPath',
  'StorePath',
  'SwarmMaster',
  'SwarmHost',
  'SwarmDiscovery',
] as const satisfies readonly (keyof BaseDriverConfig)[];

/** A driver's whole config split into the base keys and its own, for {@link composeDriverConfig}. */
export function splitBaseConfig(config: BaseDriverConfig): { base: BaseDriverConfig; own: DriverConfig } {
  const own: DriverConfig = { ...config };
  const base: Partial<BaseDriverConfig> = {};
  for (const key of BASE_KEYS) {
    Object.assign(base, { [key]: config[key] });
    delete own[key];
  }
  return { base: base as BaseDriverConfig, own };
}
