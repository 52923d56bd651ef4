import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Reaper {
  stop(): void;
}

/** Starts the watcher that reaps `runId` once the process `owner` is gone. */
export function startReaper(runId: string, owner: string): Reaper {
  const script = fileURLToPath(new URL('./reaper-main.js', import.meta.url));
  const child = spawn(process.execPath, [script, runId, owner], { detached: true, stdio: 'ignore' });
  child.unref();
  return {
    stop() {
      child.kill('SIGTERM');
    },
  };
}
