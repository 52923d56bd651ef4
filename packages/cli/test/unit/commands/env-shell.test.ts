import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_BIN } from '@berth/test-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let store: string;
beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'berth-env-shell-'));
});
afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

function withoutShell(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MACHINE_STORAGE_PATH: store };
  delete env.SHELL;
  return env;
}

it('with SHELL unset, env -u writes for the shell that runs it (as under cron or a CI runner)', () => {
  // As typed at a prompt: berth runs in a subshell of bash, its parent.
  const berthCmd = `"${process.execPath}" "${BERTH_BIN}"`;
  const viaBash = spawnSync('bash', ['-c', `out=$(${berthCmd} env -u) && printf %s "$out"`], {
    env: withoutShell(),
    encoding: 'utf8',
  });
  expect(viaBash.status, viaBash.stderr).toBe(0);
  expect(viaBash.stdout).toMatch(/^unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\n/);
});

it('with SHELL unset and no shell above it, env prints docker-machine’s notice and fails', () => {
  // Parent and grandparent are both Node processes, whatever runs this test.
  const launcher = `process.exitCode = require('child_process').spawnSync(process.execPath, ${JSON.stringify([BERTH_BIN, 'env', '-u'])}, { stdio: 'inherit' }).status`;
  const direct = spawnSync(process.execPath, ['-e', launcher], { env: withoutShell(), encoding: 'utf8' });
  expect(direct.status).toBe(1);
  expect(direct.stdout).toBe(
    "The default lines below are for a sh/bash shell, you can specify the shell you're using, with the --shell flag.\n\n\n",
  );
  expect(direct.stderr).toContain('Error: Unknown shell');
});

it('with SHELL unset and no shell above it, env NAME reports the machine’s TLS check first, as docker-machine', () => {
  const made = spawnSync(process.execPath, [BERTH_BIN, 'create', '-d', 'none', '--url', 'tcp://127.0.0.1:1', 'dead'], {
    env: withoutShell(),
    encoding: 'utf8',
  });
  expect(made.status, made.stderr).toBe(0);
  const launcher = `process.exitCode = require('child_process').spawnSync(process.execPath, ${JSON.stringify([BERTH_BIN, 'env', 'dead'])}, { stdio: 'inherit' }).status`;
  const direct = spawnSync(process.execPath, ['-e', launcher], { env: withoutShell(), encoding: 'utf8' });
  expect(direct.status).toBe(1);
  expect(direct.stderr).toContain('Error checking TLS connection: ');
  expect(direct.stderr).not.toContain('Unknown shell');
  expect(direct.stdout).toBe('');
});
