import { readFile } from 'node:fs/promises';
import { runBerthOk } from '@berth/test-kit';
import { describe, expect, it } from 'vitest';
import { earlyMachineName, isEarlyLs, startEarly, takeEarlyContext } from '../../src/early-context.js';
import { useNoneMachineStore } from './support/none-machine-store.js';

describe('earlyMachineName: which machine a quick command is about', () => {
  it.each([
    [['env', 'web'], 'web'],
    [['env'], 'default'],
    [['env', '--shell', 'fish', 'web'], 'web'],
    [['env', '--shell=fish', 'web'], 'web'],
    [['env', '--no-proxy', 'web'], 'web'],
    [['env', '-u'], undefined],
    [['env', '--unset'], undefined],
    [['config', '--swarm', 'web'], 'web'],
    [['inspect', '-f', '{{.Name}}', 'web'], 'web'],
    [['ip', 'web', 'db'], 'web'],
    [['url', '--', 'web'], 'web'],
    [['status'], 'default'],
    [['ssh', 'web', 'uname', '-a'], 'web'],
    [['version'], undefined],
    [['version', 'web'], 'web'],
    [['ip', '--help'], undefined],
    [['ls'], undefined],
    [['create', '-d', 'none', 'web'], undefined],
    [['rm', 'web'], undefined],
    [[], undefined],
  ])('%j → %s', (argv, name) => {
    expect(earlyMachineName(argv)).toBe(name);
  });
});

describe('isEarlyLs: an ls that probes every machine', () => {
  it.each([
    [['ls'], true],
    [['ls', '-t', '1'], true],
    [['ls', '--format', '{{.Name}}'], true],
    [['ls', '-q'], false],
    [['ls', '--quiet'], false],
    [['ls', '--filter', 'driver=none'], false],
    [['ls', '--filter=state=Running'], false],
    [['ls', '--help'], false],
    [['env'], false],
  ])('%j → %s', (argv, yes) => {
    expect(isEarlyLs(argv)).toBe(yes);
  });
});

describe('the early context', () => {
  const store = useNoneMachineStore('tcp://127.0.0.1:12379');

  it("has the machine's driver spawned before the command runs, and the command uses that process", async () => {
    // Built-in drivers are their own processes only with BERTH_ISOLATE_DRIVERS=1 (third-party ones always).
    process.env.BERTH_ISOLATE_DRIVERS = '1';
    try {
      await startEarly(['url', 'web']);
    } finally {
      delete process.env.BERTH_ISOLATE_DRIVERS;
    }
    const children = (await readFile(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')).split(' ');
    const spawned: number[] = [];
    for (const pid of children.filter(Boolean)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes('berth-driver-none')) spawned.push(Number(pid));
    }
    expect(spawned).toHaveLength(1);
    const ctx = await takeEarlyContext(() => undefined);
    expect(ctx).toBeDefined();
    try {
      const driver = await ctx?.drivers.get('none');
      expect(driver?.pid).toBe(spawned[0]);
      // Taken once: a second command (there is none) would open its own.
      expect(await takeEarlyContext(() => undefined)).toBeUndefined();
    } finally {
      await ctx?.dispose();
    }
  });

  it('berth ls lists through the early path', async () => {
    const { stdout } = await runBerthOk(['ls', '--format', '{{.Name}} {{.URL}}'], { store: store.path });
    expect(stdout).toBe('web tcp://127.0.0.1:12379\n');
  });

  it('berth url prints the URL through the early path (`--` makes it no quick form)', async () => {
    const { stdout } = await runBerthOk(['url', '--', 'web'], { store: store.path });
    expect(stdout).toBe('tcp://127.0.0.1:12379\n');
  });
});
