import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BerthContextOptions } from '@berth/core/machine';
import { inProcessDrivers } from './builtin-drivers.js';

/** MACHINE_DEBUG, as docker-machine reads it. */
export function isDebugMode(): boolean {
  return ['1', 't', 'true', 'TRUE', 'True'].includes(process.env.MACHINE_DEBUG ?? '');
}

/**
 * How every berth command opens its context: built-in drivers run in berth's process (unless
 * BERTH_ISOLATE_DRIVERS=1; their executables are found in the CLI's and the workspace's
 * `node_modules/.bin`); driver stderr shows only with --debug; driver warnings and errors
 * always show; progress lines go through `log` (a command's own `this.log`).
 */
export function berthContextOptions(log: (line: string) => void): BerthContextOptions {
  const root = cliPackageRoot();
  const bin = (relative: string) => join(root, relative);
  return {
    driverHost: {
      searchDirs: [bin('node_modules/.bin'), bin('../../node_modules/.bin')],
      inProcess: inProcessDrivers(),
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
