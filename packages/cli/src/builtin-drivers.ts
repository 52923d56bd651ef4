import type { Driver } from '@berth/driver-protocol';

/** Set to 1 to run the built-in drivers as their own processes, as third-party drivers always are. */
export const ISOLATE_DRIVERS_ENV = 'BERTH_ISOLATE_DRIVERS';

/**
 * The drivers shipped with berth, served inside berth's process (see ARCHITECTURE.md, "Drivers").
 * Each package is imported only when a command needs that driver.
 */
const BUILTIN_DRIVERS: Readonly<Record<string, () => Promise<Driver>>> = {
  none: async () => new (await import('@berth/driver-none')).NoneDriver(),
  generic: async () => new (await import('@berth/driver-generic')).GenericDriver(),
  digitalocean: async () => new (await import('@berth/driver-digitalocean')).DigitalOceanDriver(),
  amazonec2: async () => new (await import('@berth/driver-amazonec2')).AmazonEc2Driver(),
  virtualbox: async () => new (await import('@berth/driver-virtualbox')).VirtualBoxDriver(),
  hyperv: async () => new (await import('@berth/driver-hyperv')).HypervDriver(),
};

/** The in-process drivers of this run: all built-ins, or none when BERTH_ISOLATE_DRIVERS=1. */
export function inProcessDrivers(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, () => Promise<Driver>>> {
  return env[ISOLATE_DRIVERS_ENV] === '1' ? {} : BUILTIN_DRIVERS;
}
