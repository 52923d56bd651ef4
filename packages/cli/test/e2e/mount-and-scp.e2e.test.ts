import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerth, runBerthOk, runCommand, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

/** The lines of /proc/mounts that mount something on `mountpoint`. */
async function mountsOn(mountpoint: string): Promise<string[]> {
  return (await readFile('/proc/mounts', 'utf8')).split('\n').filter((line) => line.split(' ')[1] === mountpoint);
}

describe('berth mount (sshfs) and scp -r / --delta (rsync) against a real host', () => {
  let session: TestSession;
  let host: TestHost;
  let store: string;
  let work: string;
  /** The machine's directory that the tests mount and copy into (the SSH user's own). */
  const share = '/home/berth/share';

  beforeAll(async () => {
    session = await TestSession.create();
    host = await session.startHost({ variant: 'adopt' });
    store = await mkdtemp(join(tmpdir(), 'berth-mount-store-'));
    work = await mkdtemp(join(tmpdir(), 'berth-mount-work-'));
    await runBerthOk(genericCreateArgs(host, 'dev', { extra: ['--generic-ssh-user', host.sudoUser] }), { store });
    await host.mustExec(`install -d -o berth -g berth ${share} && echo 'from the machine' > ${share}/hello.txt`);
  });

  afterAll(async () => {
    // A test that failed half-way must not leave a FUSE mount behind.
    if (work)
      for (const line of await mountsOn(join(work, 'mnt')))
        if (line) await runCommand('fusermount3', ['-u', join(work, 'mnt')]);
    await session?.clean();
    for (const dir of [store, work]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('mounts a machine directory: its files show here, writes reach the machine, -u unmounts', async () => {
    const mnt = join(work, 'mnt');
    await mkdir(mnt);
    const mounted = await runBerth(['mount', `dev:${share}`, mnt], { store, timeoutMs: 30_000 });
    expect(mounted.code, mounted.stderr).toBe(0);
    expect((await mountsOn(mnt))[0]).toMatch(
      new RegExp(`^berth@${host.address.replaceAll('.', '\\.')}:${share} \\S+ fuse\\.sshfs `),
    );
    expect(await readFile(join(mnt, 'hello.txt'), 'utf8')).toBe('from the machine\n');
    await writeFile(join(mnt, 'from-here.txt'), 'written through sshfs\n');
    expect(await host.mustExec(`cat ${share}/from-here.txt && stat -c %U ${share}/from-here.txt`)).toBe(
      'written through sshfs\nberth\n',
    );

    const unmounted = await runBerth(['mount', '-u', `dev:${share}`, mnt], { store });
    expect(unmounted.code, unmounted.stderr).toBe(0);
    expect(await mountsOn(mnt)).toEqual([]);
    expect(await readdir(mnt)).toEqual([]);
  });

  it('refuses with what to do: a missing mountpoint, a machine that is not running, sshfs not installed', async () => {
    const missing = join(work, 'no-such-dir');
    const noMountpoint = await runBerth(['mount', `dev:${share}`, missing], { store });
    expect(noMountpoint.code).toBe(1);
    expect(noMountpoint.stderr).toBe(
      `Mountpoint ${missing} does not exist\n  Create it first: mkdir -p ${missing}\n  Or give another mountpoint as the second argument.\n`,
    );

    // A second entry for the same machine whose SSH port nothing answers: the driver calls it Stopped.
    const asleep = join(store, 'machines/asleep');
    await mkdir(asleep);
    const config = JSON.parse(await readFile(join(store, 'machines/dev/config.json'), 'utf8'));
    config.Name = 'asleep';
    Object.assign(config.Driver, { MachineName: 'asleep', IPAddress: '127.0.0.1', SSHPort: 1 });
    await writeFile(join(asleep, 'config.json'), JSON.stringify(config, null, 4));
    await mkdir(join(work, 'mnt2'));
    const stopped = await runBerth(['mount', 'asleep:/srv', join(work, 'mnt2')], { store });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toBe('Host "asleep" is not running\n  Start it first: berth start asleep\n');
    const stoppedDelta = await runBerth(['scp', '-d', 'asleep:/etc/hostname', work], { store });
    expect(stoppedDelta.stderr).toBe('Host "asleep" is not running\n  Start it first: berth start asleep\n');

    // PATH with node only: no sshfs, no fusermount, no rsync.
    const bare = join(work, 'bare-path');
    await mkdir(bare);
    await symlink(process.execPath, join(bare, 'node'));
    const noSshfs = await runBerth(['mount', `dev:${share}`, join(work, 'mnt2')], { store, env: { PATH: bare } });
    expect(noSshfs.code).toBe(1);
    expect(noSshfs.stderr.split('\n')[0]).toBe(
      'You must have a copy of the sshfs binary locally to use the mount feature',
    );
    expect(noSshfs.stderr).toContain('apt-get install sshfs');
    const noFusermount = await runBerth(['mount', '-u', `dev:${share}`], { store, env: { PATH: bare } });
    expect(noFusermount.stderr.split('\n')[0]).toBe(
      'You must have a copy of the fusermount binary locally to use the unmount option',
    );
    const noRsync = await runBerth(['scp', '--delta', 'dev:/etc/hostname', work], { store, env: { PATH: bare } });
    expect(noRsync.stderr.split('\n')[0]).toBe(
      'You must have a copy of the rsync binary locally to use the --delta option',
    );
    expect(noRsync.stderr).toContain('apt-get install rsync');

    const badArgs = await runBerth(['mount'], { store });
    expect([badArgs.code, badArgs.stderr]).toEqual([
      1,
      "Incorrect Usage: Improper number of arguments\nSee 'berth mount --help'.\n",
    ]);
  });

  it('scp -r copies a tree to the machine and back', async () => {
    const tree = join(work, 'tree');
    await mkdir(join(tree, 'a/b'), { recursive: true });
    await writeFile(join(tree, 'top.txt'), 'top\n');
    await writeFile(join(tree, 'a/b/deep.txt'), 'deep\n');
    await runBerthOk(['scp', '-r', tree, `dev:${share}/`], { store });
    expect(await host.mustExec(`cd ${share}/tree && find . -type f | sort && cat a/b/deep.txt`)).toBe(
      './a/b/deep.txt\n./top.txt\ndeep\n',
    );
    const back = join(work, 'back');
    await runBerthOk(['scp', '-r', `dev:${share}/tree`, back], { store });
    expect(await readFile(join(back, 'top.txt'), 'utf8')).toBe('top\n');
    expect(await readFile(join(back, 'a/b/deep.txt'), 'utf8')).toBe('deep\n');
    const withoutR = await runBerth(['scp', tree, `dev:${share}/`], { store });
    expect(withoutR.code).toBe(1);
    expect(withoutR.stderr).toContain('is a directory (use -r)');
  });

  it('scp --delta sends only what changed: a second copy of a 4 MB file with 16 bytes changed moves a few kB', async () => {
    const received = async () => Number(await host.mustExec('cat /sys/class/net/eth0/statistics/rx_bytes'));
    const big = join(work, 'big.bin');
    await writeFile(big, randomBytes(4 * 1024 * 1024));
    // The machine's host key pin is gone (a store docker-machine made has none): Berth pins it again.
    await rm(join(store, 'machines/dev/known_hosts'));

    const before = await received();
    const first = await runBerthOk(['scp', '--delta', '-q', big, `dev:${share}/big.bin`], { store });
    expect(first.stdout).toBe('');
    const firstBytes = (await received()) - before;
    expect(firstBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(await readFile(join(store, 'machines/dev/known_hosts'), 'utf8')).toMatch(
      new RegExp(`^\\[${host.address.replaceAll('.', '\\.')}\\]:22 ssh-`),
    );

    const file = await open(big, 'r+');
    await file.write(randomBytes(16), 0, 16, 2 * 1024 * 1024);
    await file.close();
    // rsync skips a file whose size and mtime (whole seconds) match; an edit made within the
    // second of the first copy would look unchanged, so date it as an edit made later.
    const { mtime } = await stat(big);
    const later = new Date(mtime.getTime() + 5_000);
    await utimes(big, later, later);
    const middle = await received();
    const second = await runBerthOk(['scp', '-d', big, `dev:${share}/big.bin`], { store });
    expect(second.stdout).toContain('100%');
    const secondBytes = (await received()) - middle;
    expect(secondBytes).toBeLessThan(firstBytes / 20);
    const [localSum] = (await runCommand('sha256sum', [big])).stdout.split(' ');
    expect((await host.mustExec(`sha256sum ${share}/big.bin`)).split(' ')[0]).toBe(localSum);

    // And a tree back from the machine, recursively.
    const down = join(work, 'delta-down');
    await runBerthOk(['scp', '-d', '-r', '-q', `dev:${share}/tree/`, down], { store });
    expect(await readFile(join(down, 'a/b/deep.txt'), 'utf8')).toBe('deep\n');
  });

  it('scp --delta says so when the machine has no rsync', async () => {
    await host.mustExec('mv /usr/bin/rsync /usr/bin/rsync.away');
    try {
      const run = await runBerth(['scp', '-d', '-q', join(work, 'tree/top.txt'), `dev:${share}/`], { store });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'rsync is not installed on machine "dev"\n  Install it there: berth ssh dev sudo apt-get install -y rsync',
      );
    } finally {
      await host.mustExec('mv /usr/bin/rsync.away /usr/bin/rsync');
    }
  });
});
