import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBerth, runBerthOk } from '@berth/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickLsForm } from '../../src/quick-ls.js';
import { useNoneMachineStore } from './support/none-machine-store.js';

describe('quickLsForm: the ls forms answered before oclif loads', () => {
  it.each([
    [[], { quiet: false, timeoutSeconds: 10 }],
    [['-q'], { quiet: true, timeoutSeconds: 10 }],
    [['--quiet'], { quiet: true, timeoutSeconds: 10 }],
    [['--timeout', '1'], { quiet: false, timeoutSeconds: 1 }],
    [['-t', '3', '-q'], { quiet: true, timeoutSeconds: 3 }],
    [['--timeout=2'], { quiet: false, timeoutSeconds: 2 }],
    [['--timeout', 'soon'], undefined],
    [['--timeout', '-1'], undefined],
    [['--timeout', '1', '--timeout', '2'], undefined],
    [['--format', 'json'], undefined],
    [['--filter', 'driver=none'], undefined],
    [['--help'], undefined],
    [['web'], undefined],
    [['--'], undefined],
    [['--nosuch'], undefined],
  ])('%j → %j', (rest, form) => {
    expect(quickLsForm(rest)).toEqual(form);
  });
});

describe('the quick ls', () => {
  // No engine answers at the URL, so every run prints the same rows (and no last-known age).
  const store = useNoneMachineStore('tcp://127.0.0.1:12382');

  beforeAll(async () => {
    // A second machine, and one whose config cannot be read: ls -q names it on stderr.
    const web = await readFile(join(store.path, 'machines/web/config.json'), 'utf8');
    await mkdir(join(store.path, 'machines/db'));
    await writeFile(join(store.path, 'machines/db/config.json'), web.replaceAll('"web"', '"db"'));
    await mkdir(join(store.path, 'machines/broken'));
    await writeFile(join(store.path, 'machines/broken/config.json'), '{ not json');
  });

  it('prints what the oclif command prints, on stdout and stderr, with its exit status', async () => {
    const options = { store: store.path };
    // `--` after the flags is not a quick form: that run goes through oclif.
    for (const args of [[], ['-q'], ['--timeout', '2'], ['-t', '2', '--quiet']]) {
      const viaQuick = await runBerth(['ls', ...args], options);
      const viaOclif = await runBerth(['ls', ...args, '--'], options);
      expect(viaQuick.stdout).toMatch(/db/);
      const { code, stdout, stderr } = viaOclif;
      expect(viaQuick).toMatchObject({ code, stdout, stderr });
    }
    const table = await runBerthOk(['ls'], options);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME +ACTIVE +DRIVER +STATE +URL +SWARM +DOCKER +ERRORS$/);
    expect(table.stdout).toMatch(/^broken +not found +Error/m);
    const quiet = await runBerthOk(['ls', '-q'], options);
    expect(quiet.stdout).toBe('db\nweb\n');
    expect(quiet.stderr).toMatch(/^Could not read machine "broken": /);
  });
});
