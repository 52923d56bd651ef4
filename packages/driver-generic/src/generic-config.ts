import type { DriverConfig, MachineContext } from '@berth/driver-protocol';
import { type BaseDriverConfig, baseDriverConfig, composeDriverConfig } from '@berth/driver-sdk';

/** The generic driver's `Driver` object in config.json: Docker Machine's base keys plus its own two. */
export interface GenericConfig extends BaseDriverConfig {
  EnginePort: number;
  /** The key path the user gave (`--generic-ssh-key`); SSHKeyPath is Berth's copy of it. */
  SSHKey: string;
}

/** Reads the stored object leniently: a machine written by docker-machine has every key, older ones may not. */
export function readGenericConfig(machine: MachineContext): GenericConfig {
  const raw = machine.driverConfig;
  const base = baseDriverConfig(machine);
  return {
    ...base,
    SSHUser: base.SSHUser || 'root',
    SSHPort: base.SSHPort || 22,
    EnginePort: typeof raw.EnginePort === 'number' && Number.isInteger(raw.EnginePort) ? raw.EnginePort : 2376,
    SSHKey: typeof raw.SSHKey === 'string' ? raw.SSHKey : '',
  };
}

/** Back to a `Driver` object: base keys first, then the driver's own (config.json order). */
export function toDriverConfig(machine: MachineContext, config: GenericConfig): DriverConfig {
  const { EnginePort, SSHKey, ...base } = config;
  return composeDriverConfig(machine, base, { EnginePort, SSHKey });
}
