// The `VBoxManage` executable of the simulator (bin/VBoxManage runs this). Its state lives in the
// directory named by BERTH_SIM_STATE_DIR, which the test's simulator handle set up.
import { recordCall, runVBoxManage } from './vboxmanage.js';

const STATE_ENV = 'BERTH_SIM_STATE_DIR';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const stateDir = process.env[STATE_ENV];
  if (!stateDir) {
    process.stderr.write(`VBoxManage: error: [VBoxManage simulator] ${STATE_ENV} is not set\n`);
    return 1;
  }
  const startedAt = Date.now();
  const result = await runVBoxManage({ argv, stateDir, env: process.env, cwd: process.cwd(), stdin: process.stdin });
  await recordCall(stateDir, argv, result.exitCode, startedAt);
  await new Promise<void>((resolve) => process.stdout.write(result.stdout, () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write(result.stderr, () => resolve()));
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `VBoxManage: error: [VBoxManage simulator] ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
