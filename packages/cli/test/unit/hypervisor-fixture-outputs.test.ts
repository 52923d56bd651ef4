import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  copyFixtureStore,
  dockerMachineFixture,
  ensureQemuPackages,
  FIXTURE_STORE_PATH,
  runBerth,
  snapshotTree,
  type TreeSnapshot,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// docker-machine 0.16.2's answers for a store with a VirtualBox and a Hyper-V machine, on a
// machine with neither VBoxManage nor powershell.exe (outputs-hypervisors/ in the fixtures), and
// Berth's on a copy of the same store. Where docker-machine's answer said nothing useful about
// Hyper-V ("Failed to find the VM status", "exec: no command"), Berth names what is missing.

interface Recorded {
  stdout: string;
  stderr: string;
  exit: number;
}

/**
 * docker-machine printed this while it gathered a crash report of a failed create (its shell
 * detection, with SHELL unset as in the recording). Berth sends no crash reports, so it has no
 * reason to print it (ARCHITECTURE.md).
 */
const CRASH_REPORT_SHELL_NOTICE =
  "The default lines below are for a sh/bash shell, you can specify the shell you're using, with the --shell flag.\n\n";

async function recorded(slug: string, store: string): Promise<Recorded> {
  const read = (ext: string) => readFile(dockerMachineFixture('outputs-hypervisors', `${slug}.${ext}`), 'utf8');
  const paths = (text: string) => text.replaceAll(FIXTURE_STORE_PATH, store);
  const stdout = paths(await read('stdout'));
  return {
    stdout: slug.startsWith('create-') ? stdout.replace(CRASH_REPORT_SHELL_NOTICE, '') : stdout,
    stderr: paths(await read('stderr')),
    exit: Number(await read('exit')),
  };
}

describe('a docker-machine store with VirtualBox and Hyper-V machines, neither tool installed', () => {
  let home: string;
  let store: string;
  let before: TreeSnapshot;
  /** PATH without VBoxManage, powershell.exe or qemu (berth itself runs from process.execPath). */
  const bare = { PATH: '/nonexistent' };
  // SHELL set, so `env`'s shell detection says nothing whatever the environment running the tests.
  const run = (args: string[], env: Record<string, string> = bare) =>
    runBerth(args, { store, env: { HOME: home, SHELL: '/bin/bash', ...env } });

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'berth-hv-fixture-'));
    store = join(home, 'store');
    await copyFixtureStore(dockerMachineFixture('store-hypervisors'), store);
    before = await snapshotTree(store);
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it.each([
    ['ls-q', ['ls', '-q']],
    ['status-dm-vbox', ['status', 'dm-vbox']],
    ['ip-dm-vbox', ['ip', 'dm-vbox']],
    ['env-dm-vbox', ['env', 'dm-vbox']],
    ['stop-dm-vbox', ['stop', 'dm-vbox']],
    ['inspect-dm-vbox', ['inspect', 'dm-vbox']],
    ['inspect-dm-hyperv', ['inspect', 'dm-hyperv']],
    ['create-virtualbox-no-vboxmanage', ['create', '-d', 'virtualbox', 'vb']],
    ['create-default-driver-no-vboxmanage', ['create', 'vb']],
  ])('%s prints what docker-machine printed', async (slug, args) => {
    const want = await recorded(slug, store);
    const got = await run(args);
    expect({ stdout: got.stdout, stderr: got.stderr, exit: got.code }).toEqual(want);
  });

  it('ls shows the VirtualBox row as docker-machine did, and names the missing tool for Hyper-V', async () => {
    const want = (await recorded('ls', store)).stdout.split('\n');
    const got = await run(['ls']);
    expect(got.code).toBe(0);
    const lines = got.stdout.split('\n');
    expect(lines[0]).toBe(want[0]);
    expect(lines[2]).toBe(want[2]);
    expect(lines[1]).toMatch(/^dm-hyperv {3}- {8}hyperv {7}Error {17}Unknown {3}\S/);
    expect(lines[1]).toContain('powershell.exe');
    expect(lines[1]).not.toContain('Failed to find the VM status');
  });

  it.each([
    ['status-dm-hyperv', ['status', 'dm-hyperv']],
    ['url-dm-hyperv', ['url', 'dm-hyperv']],
    ['start-dm-hyperv', ['start', 'dm-hyperv']],
  ])('%s fails as docker-machine did, saying what to install instead', async (slug, args) => {
    const want = await recorded(slug, store);
    const got = await run(args);
    expect(got.code).toBe(want.exit);
    expect(got.stdout).toBe(want.stdout);
    expect(got.stderr).toContain('powershell.exe');
    expect(got.stderr).toMatch(/Hyper-V/);
    expect(got.stderr).not.toContain('exec: no command');
  });

  it('create -d hyperv fails as docker-machine did, then says where Hyper-V machines are managed', async () => {
    const want = await recorded('create-hyperv-no-powershell', store);
    const got = await run(['create', '-d', 'hyperv', 'hv']);
    expect({ stdout: got.stdout, exit: got.code }).toEqual({ stdout: want.stdout, exit: want.exit });
    const [first, ...rest] = got.stderr.trimEnd().split('\n');
    expect(`${first}\n`).toBe(want.stderr);
    expect(rest.join('\n')).toMatch(/Windows.*powershell\.exe/);
  });

  it('with qemu on PATH, create -d virtualbox adds one line naming the qemu driver', async () => {
    await ensureQemuPackages();
    const want = await recorded('create-virtualbox-no-vboxmanage', store);
    const got = await run(['create', '-d', 'virtualbox', 'vb'], { PATH: '/usr/bin:/bin' });
    expect(got.code).toBe(want.exit);
    const [first, ...rest] = got.stderr.trimEnd().split('\n');
    expect(`${first}\n`).toBe(want.stderr);
    expect(rest).toHaveLength(1);
    expect(rest[0]).toContain('berth create -d qemu');
  }, 300_000);

  it('changed nothing in the store', async () => {
    expect(await snapshotTree(store)).toEqual(before);
  });
});
