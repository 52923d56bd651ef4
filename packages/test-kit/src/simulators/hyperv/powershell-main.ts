// The entry of the test kit's `powershell.exe` (bin/powershell.exe runs it): a one-shot script from
// argv (docker-machine) or a long-lived session on stdin (Berth's driver), against the simulated
// Hyper-V host in $BERTH_HYPERV_SIM_STATE_DIR.
import { runArgvMode } from './argv-mode.js';
import { HypervHost } from './hyperv-host.js';
import { readWorld, STATE_DIR_ENV } from './hyperv-registry.js';
import { invocationOf } from './powershell-main-args.js';
import { runSessionMode } from './session-mode.js';

async function main(): Promise<number> {
  const stateDir = process.env[STATE_DIR_ENV];
  if (!stateDir) {
    process.stderr.write(`powershell.exe (Berth test kit): ${STATE_DIR_ENV} is not set; start the simulator first\r\n`);
    return 1;
  }
  const argv = process.argv.slice(2);
  const world = await readWorld(stateDir);
  if (world.faults.slowSpawnMs > 0) await new Promise((resolve) => setTimeout(resolve, world.faults.slowSpawnMs));
  const host = new HypervHost(stateDir);
  const invocation = invocationOf(argv);
  return invocation.mode === 'session'
    ? runSessionMode(host, stateDir, argv)
    : runArgvMode(host, stateDir, argv, invocation.pieces.join(' '));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `powershell.exe (Berth test kit) failed: ${error instanceof Error ? error.stack : String(error)}\r\n`,
    );
    process.exitCode = 1;
  },
);
