// A detached watcher per session. It (1) brings a host back after a reboot from inside, as a
// VM's firmware would, and (2) removes what the session started as soon as the owning process
// dies (a crash, SIGINT, SIGKILL). It lives in its own process group, so the Ctrl-C that hits
// the test run does not hit it.
import { spawn } from 'node:child_process';
import { tryDocker } from '../engine/docker.js';
import { LABEL_RUN } from './labels.js';
import { isProcessAlive } from './process-identity.js';
import { reapRun } from './reap.js';

// systemd as PID 1 of a container ends with status 129 on reboot (0 on power-off, see the image
// recipe). Docker's own restart policy ignores containers that ran under 10 s, so we restart them.
const REBOOT_EXIT_STATUS = '129';

const [runId, owner] = process.argv.slice(2);
if (!runId || !owner) {
  process.stderr.write('usage: reaper-main RUN_ID OWNER_PID:STARTTIME\n');
  process.exit(2);
}

const events = spawn(
  'docker',
  [
    'events',
    '--filter',
    `label=${LABEL_RUN}=${runId}`,
    '--filter',
    'event=die',
    '--format',
    '{{.Actor.ID}} {{index .Actor.Attributes "exitCode"}}',
  ],
  { stdio: ['ignore', 'pipe', 'ignore'] },
);
let buffer = '';
events.stdout.setEncoding('utf8').on('data', (chunk: string) => {
  buffer += chunk;
  const lines = buffer.split('\n');
  buffer = lines.pop() ?? '';
  for (const line of lines) {
    const [id, status] = line.trim().split(' ');
    if (id && status === REBOOT_EXIT_STATUS) void startAgain(id);
  }
});

/**
 * `docker start` right after the die event can fail while the engine is still tearing the old
 * run down (seen on a busy CI machine: the host then never came back), so it is retried.
 */
async function startAgain(id: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if ((await tryDocker(['start', id])).code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const timer = setInterval(() => {
  if (isProcessAlive(owner)) return;
  clearInterval(timer);
  events.kill();
  reapRun(runId)
    .catch(() => reapRun(runId))
    .finally(() => process.exit(0));
}, 250);

process.on('SIGTERM', () => {
  events.kill();
  process.exit(0);
});
