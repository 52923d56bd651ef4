import type { BerthContextOptions } from '@berth/core/one-machine';
import { builtinDrivers } from './builtin-drivers.js';

/** MACHINE_DEBUG, as docker-machine reads it. */
export function isDebugMode(): boolean {
  return ['1', 't', 'true', 'TRUE', 'True'].includes(process.env.MACHINE_DEBUG ?? '');
}

/**
 * How every berth command opens its context: built-in drivers run in berth's process (unless
 * BERTH_ISOLATE_DRIVERS=1; see builtin-drivers.ts); driver stderr shows only with --debug; driver warnings and errors
 * always show; progress lines go through `log` (a command's own `this.log`).
 */
export function berthContextOptions(log: (line: string) => void): BerthContextOptions {
  return {
    driverHost: {
      builtins: builtinDrivers(),
      onStderr: (event) => {
        if (isDebugMode()) process.stderr.write(`(${event.driver}) ${event.line}\n`);
      },
      onLog: (event) => {
        if (event.level === 'error' || event.level === 'warn' || isDebugMode()) {
          process.stderr.write(`(${event.machine ?? event.driver}) ${event.message}\n`);
        }
      },
      onProgress: (event) => log(`(${event.machine || event.driver}) ${event.message}`),
    },
  };
}
