import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { tryDocker } from './docker.js';
import { mustRun, runCommand } from './run-command.js';

const DOCKERD_LOG = '/var/log/berth-testkit-dockerd.log';

async function engineAnswers(): Promise<boolean> {
  try {
    const result = await tryDocker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
    return result.code === 0 && result.stdout.trim().length > 0;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Installs Debian's docker.io and debootstrap when missing (idempotent). */
async function ensurePackages(log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  if (!(await exists('/usr/sbin/dockerd'))) missing.push('docker.io');
  if (!(await exists('/usr/sbin/debootstrap'))) missing.push('debootstrap');
  if ((await runCommand('sh', ['-c', 'command -v docker'])).code !== 0 && !missing.includes('docker.io')) {
    missing.push('docker.io');
  }
  if (missing.length === 0) return;
  log(`[test-kit] apt-get install ${missing.join(' ')}`);
  await mustRun('apt-get', ['update', '-q']);
  await mustRun('apt-get', ['install', '-y', '-q', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * Makes sure a Docker engine answers: reuses a running one, else starts dockerd (PID 1 here is
 * not systemd, so nothing else would). This engine is test infrastructure only.
 */
export async function ensureEngine(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  await ensurePackages(log);
  if (await engineAnswers()) return;
  log(`[test-kit] starting dockerd (log: ${DOCKERD_LOG})`);
  const out = openSync(DOCKERD_LOG, 'a');
  const child = spawn('dockerd', ['--log-level', 'warn'], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await engineAnswers()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dockerd did not answer within 90 s; see ${DOCKERD_LOG}`);
}
