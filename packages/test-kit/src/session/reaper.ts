import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Reaper {
  stop(): void;
}

/** Starts the watcher that reaps `runId` once the process `owner` is gone. */
export function startReaper(runId: string, owner: string): Reaper {
  const script = reaperScript();
  const child = spawn(process.execPath, [script, runId, owner], { detached: true, stdio: 'ignore' });
  child.unref();
  return {
    stop() {
      child.kill('SIGTERM');
    },
  };
}

/**
 * The compiled watcher script. Tests that import the kit from `src` (vitest runs the TypeScript)
 * have no `reaper-main.js` beside this module, so the build's copy in `dist` is used instead.
 */
function reaperScript(): string {
  const beside = fileURLToPath(new URL('./reaper-main.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../../dist/session/reaper-main.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`the test kit's reaper is not built (no ${beside} or ${built}): run \`npx tsc -b\` first`);
}
