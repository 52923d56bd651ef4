import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltinDrivers } from '@berth/core/driver-host';
import type { Driver } from '@berth/driver-protocol';

/** Set to 1 to run the built-in drivers as their own processes, as third-party drivers always are. */
export const ISOLATE_DRIVERS_ENV = 'BERTH_ISOLATE_DRIVERS';

/**
 * The drivers shipped with berth, the one list of them: served inside berth's process (see
 * ARCHITECTURE.md, "Drivers"), each package imported only when a command needs that driver, or
 * run from its `berth-driver-<name>` bin, resolved from this package, which depends on them all.
 */
const BUILTIN_DRIVERS: Readonly<Record<string, () => Promise<Driver>>> = {
  none: async () => new (await import('@berth/driver-none')).NoneDriver(),
  generic: async () => new (await import('@berth/driver-generic')).GenericDriver(),
  digitalocean: async () => new (await import('@berth/driver-digitalocean')).DigitalOceanDriver(),
  amazonec2: async () => new (await import('@berth/driver-amazonec2')).AmazonEc2Driver(),
  virtualbox: async () => new (await import('@berth/driver-virtualbox')).VirtualBoxDriver(),
  hyperv: async () => new (await import('@berth/driver-hyperv')).HypervDriver(),
  qemu: async () => new (await import('@berth/driver-qemu')).QemuDriver(),
};

/** The built-in drivers' names, sorted (for help texts). */
export function builtinDriverNames(): string[] {
  return Object.keys(BUILTIN_DRIVERS).sort();
}

/** berth's built-in drivers for this run: in process, or as processes when BERTH_ISOLATE_DRIVERS=1. */
export function builtinDrivers(env: NodeJS.ProcessEnv = process.env): BuiltinDrivers {
  return {
    drivers: BUILTIN_DRIVERS,
    resolveFrom: join(cliPackageRoot(), 'package.json'),
    isolate: env[ISOLATE_DRIVERS_ENV] === '1',
  };
}

/** The CLI package's directory, found upwards from this module (compiled or bundled, it sits deeper). */
function cliPackageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === '@berth/cli') return dir;
    } catch {
      // No package.json here: keep going up.
    }
    if (dirname(dir) === dir) return start;
  }
}
