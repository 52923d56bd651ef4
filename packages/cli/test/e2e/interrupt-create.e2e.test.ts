import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, startBerth, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

let session: TestSession;
let host: TestHost;
let store: string;

beforeAll(async () => {
  session = await TestSession.create();
  host = await session.startHost();
  store = await mkdtemp(join(tmpdir(), 'berth-intr-'));
});

afterAll(async () => {
  await session?.clean();
  if (store) await rm(store, { recursive: true, force: true });
});

// Built-in drivers run in berth's process by default, and as their own executables with
// BERTH_ISOLATE_DRIVERS=1 (as third-party drivers always do): Ctrl-C must clean up either way.
it.each([
  ['in berth', {}],
  ['as its own process', { BERTH_ISOLATE_DRIVERS: '1' }],
])(
  'Ctrl-C during create (driver %s) stops it, removes the unfinished machine and leaves no driver process',
  async (_mode, extraEnv) => {
    const args = genericCreateArgs(host, 'intr', { installUrl: session.installScriptUrl });
    const live = startBerth(args, { store, env: extraEnv });
    await live.waitFor('Installing Docker...');
    live.interrupt();
    const { code, stderr, afterInterruptMs } = await live.exited;
    expect(afterInterruptMs).toBeLessThan(15_000);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/^Error creating machine: Interrupted while installing/m);
    expect(stderr).toContain('Berth removed the unfinished machine "intr"');
    expect(await readdir(join(store, 'machines'))).toEqual([]);
    expect((await runCommand('pgrep', ['-f', 'berth-driver-generic'])).stdout.trim()).toBe('');
  },
);
