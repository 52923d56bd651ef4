// A detached watcher per session: when the owning process dies (a crash, SIGINT, SIGKILL), it
// removes what the session started. It lives in its own process group, so the Ctrl-C that
// hits the test run does not hit it.

import { isProcessAlive } from './process-identity.js';
import { reapRun } from './reap.js';

const [runId, owner] = process.argv.slice(2);
if (!runId || !owner) {
  process.stderr.write('usage: reaper-main RUN_ID OWNER_PID:STARTTIME\n');
  process.exit(2);
}
const timer = setInterval(() => {
  if (isProcessAlive(owner)) return;
  clearInterval(timer);
  reapRun(runId)
    .catch(() => reapRun(runId))
    .finally(() => process.exit(0));
}, 250);
