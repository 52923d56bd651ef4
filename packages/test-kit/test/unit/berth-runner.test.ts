// The one runner of the built `berth` CLI, run for real (`npm run build` first).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BERTH_BIN,
  BerthExitError,
  bashWithBerth,
  berthOnPath,
  generateKeyPair,
  REPO_ROOT,
  runBerth,
  runBerthOk,
  snapshotTree,
  startBerth,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let store: string;
beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), 'berth-runner-'));
});
afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

it('runs the CLI of this checkout', () => {
  expect(BERTH_BIN).toBe(join(REPO_ROOT, 'packages', 'cli', 'bin', 'run.cjs'));
});

it('berth version: exit 0, the version line, nothing on stderr', async () => {
  const run = await runBerthOk(['version'], { store });
  expect(run).toMatchObject({ code: 0, killedBy: null, stderr: '' });
  expect(run.stdout).toMatch(/^berth version \d+\.\d+\.\d+\n$/);
  expect(run.ms).toBeGreaterThan(0);
});

it('berth ls on an empty store prints the header only, and leaves the store as it was', async () => {
  const before = await snapshotTree(store);
  const run = await runBerth(['ls'], { store });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toBe('NAME   ACTIVE   DRIVER   STATE   URL   SWARM   DOCKER   ERRORS\n');
  expect(await snapshotTree(store)).toEqual(before);
});

it('uses the store it is given, and env and stdin reach berth', async () => {
  await runBerthOk(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:12379', 'kept'], { store });
  expect((await runBerthOk(['ls', '-q'], { store })).stdout).toBe('kept\n');
  // env comes last: it overrides even the store.
  const other = await mkdtemp(join(tmpdir(), 'berth-runner-other-'));
  try {
    expect((await runBerthOk(['ls', '-q'], { store, env: { MACHINE_STORAGE_PATH: other } })).stdout).toBe('');
    // rm asks on stdin: "n" keeps the machine.
    const kept = await runBerth(['rm', 'kept'], { store, input: 'n\n' });
    expect(kept.stdout).toContain('Are you sure?');
    expect(await readdir(join(store, 'machines'))).toEqual(['kept']);
    const removed = await runBerthOk(['rm', 'kept'], { store, input: 'y\n' });
    expect(removed.stdout).toContain('Successfully removed kept');
    expect(await readdir(join(store, 'machines'))).toEqual([]);
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});

it('a bad flag: a non-zero exit and the usage error; runBerthOk throws it with the output', async () => {
  const run = await runBerth(['ls', '--no-such-flag'], { store });
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^Incorrect Usage: Nonexistent flag: --no-such-flag$/m);
  const error = await runBerthOk(['ls', '--no-such-flag'], { store }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BerthExitError);
  expect((error as BerthExitError).run).toMatchObject({ code: 1, stderr: run.stderr });
  expect((error as BerthExitError).message).toContain('berth ls --no-such-flag');
  expect((error as BerthExitError).message).toContain('Nonexistent flag: --no-such-flag');
});

it('a run past its timeout is killed and fails with what it printed', async () => {
  await expect(runBerth(['ls'], { store, timeoutMs: 1 })).rejects.toThrow(/did not finish within 1 ms: berth ls/);
});

describe('interrupting berth (Ctrl-C)', () => {
  // A "host" whose SSH port takes each connection and drops it: the pre-create check reaches it,
  // then create waits for SSH until interrupted.
  let server: Server;
  let args: string[];
  let keys: string;

  beforeAll(async () => {
    keys = await mkdtemp(join(tmpdir(), 'berth-runner-keys-'));
    const key = generateKeyPair();
    await writeFile(join(keys, 'id'), key.privateKey, { mode: 0o600 });
    await writeFile(join(keys, 'id.pub'), `${key.publicKey}\n`);
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    args = ['create', '-d', 'generic', '--generic-ip-address', '127.0.0.1', '--generic-ssh-port', `${port}`];
    args.push('--generic-ssh-key', join(keys, 'id'), 'intr');
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(keys, { recursive: true, force: true });
  });

  it('startBerth: waitFor a progress line, interrupt, and the exit says how long berth took', async () => {
    const live = startBerth(args, { store, timeoutMs: 60_000 });
    await live.waitFor('Waiting for SSH to be available...');
    expect(live.stdout()).toContain('Running pre-create checks...');
    const sentAt = live.interrupt();
    expect(sentAt).toBeLessThanOrEqual(Date.now());
    const exit = await live.exited;
    expect(exit.code).toBe(1);
    expect(exit.killedBy).toBeNull(); // berth handles SIGINT itself
    expect(exit.afterInterruptMs).toBeLessThan(15_000);
    expect(exit.stderr).toMatch(
      /^Error creating machine: Interrupted while (waiting for SSH|connecting to 127\.0\.0\.1:\d+ over SSH)$/m,
    );
    expect(exit.stderr).toContain('Berth removed the unfinished machine "intr"');
    expect(await readdir(join(store, 'machines'))).toEqual([]);
  });

  it('runBerth: aborting its signal sends SIGINT, and the run ends with berth’s exit', async () => {
    const controller = new AbortController();
    const running = runBerth(args, { store, signal: controller.signal });
    setTimeout(() => controller.abort(), 2_000);
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Error creating machine: Interrupted while (waiting for SSH|connecting to 127\.0\.0\.1:\d+ over SSH)$/m,
    );
    expect(await readdir(join(store, 'machines'))).toEqual([]);
  });

  it('waitFor rejects, with the output, when berth exits without printing the text', async () => {
    const live = startBerth(['ls', '-q'], { store });
    await expect(live.waitFor('never printed')).rejects.toThrow(/berth exited before printing "never printed"/);
    expect((await live.exited).code).toBe(0);
    // Raced against the exit (wait for a line unless berth ends first), the exit wins.
    const raced = startBerth(['ls', '-q'], { store });
    expect(await Promise.race([raced.waitFor('never printed'), raced.exited])).toMatchObject({ code: 0 });
  });
});

it('bashWithBerth runs a shell line with the store and `berth` on PATH, the environment as told', async () => {
  const bin = await berthOnPath();
  try {
    const script = 'berth version && echo "$MACHINE_STORAGE_PATH $EXTRA" && (printenv DROPPED || echo dropped)';
    const run = await bashWithBerth(script, {
      store,
      binDir: bin,
      baseEnv: { ...process.env, DROPPED: 'still here' },
      unset: ['DROPPED'],
      env: { EXTRA: 'extra' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^berth version \\d+\\.\\d+\\.\\d+\\n${store} extra\\ndropped\\n$`));
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
});
