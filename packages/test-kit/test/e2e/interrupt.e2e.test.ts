import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABEL_RUN, runCommand, tryDocker } from '@berth/test-kit';
import { expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

it('a test run interrupted with SIGINT mid-test leaves no container, volume or process behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-victim-'));
  const marker = join(dir, 'run-id');
  const vitest = join(repoRoot, 'node_modules/vitest/vitest.mjs');
  const config = join(repoRoot, 'packages/test-kit/test/sigint/victim.vitest.config.ts');
  // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
  const child = spawn(process.execPath, [vitest, 'run', '--config', config], {
    cwd: repoRoot,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, BERTH_VICTIM_MARKER: marker },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const runId = await waitFor('the victim to start its host', 180_000, async () =>
      readFile(marker, 'utf8').then(
        (text) => text.trim() || undefined,
        () => undefined,
      ),
    );
    const filter = `label=${LABEL_RUN}=${runId}`;
    expect((await tryDocker(['ps', '-q', '--filter', filter])).stdout.trim()).not.toBe('');

    process.kill(-(child.pid as number), 'SIGINT');
    await Promise.race([
      exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error('vitest did not exit on SIGINT')), 60_000)),
    ]);

    const left = await waitFor('the run to be reaped', 60_000, async () => {
      const containers = (await tryDocker(['ps', '-aq', '--filter', filter])).stdout.trim();
      const volumes = (await tryDocker(['volume', 'ls', '-q', '--filter', filter])).stdout.trim();
      const processes = (await runCommand('pgrep', ['-f', runId])).stdout.trim();
      return containers || volumes || processes ? undefined : { containers, volumes, processes };
    });
    expect(left).toEqual({ containers: '', volumes: '', processes: '' });
  } finally {
    if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
