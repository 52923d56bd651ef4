import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerth, runBerthOk } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `create -d DRIVER --help` asks the driver for its flags, as docker-machine did: a built-in is
// found through berth's own driver table, however the driver is named on the command line.
describe('create --help', () => {
  let store: string;
  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'berth-create-help-'));
  });
  afterAll(async () => {
    await rm(store, { recursive: true, force: true });
  });

  it.each([
    [['create', '-d', 'generic', '--help']],
    [['create', '--driver=generic', '--help']],
    [['create', '-dgeneric', 'web', '--help']],
  ])('%j lists the generic driver’s flags', async (argv) => {
    const { stdout } = await runBerthOk(argv, { store });
    expect(stdout).toContain('DRIVER FLAGS (generic)');
    expect(stdout).toMatch(/--generic-ip-address\tIP Address of machine \[\$GENERIC_IP_ADDRESS\]/);
  });

  it('names every built-in driver, virtualbox and hyperv among them', async () => {
    const { stdout } = await runBerthOk(['create', '--help'], { store });
    const listed = /Built-in drivers: ([a-z0-9, ]+)\./.exec(stdout.replace(/\s+/g, ' '))?.[1]?.split(', ');
    expect(listed).toEqual(['amazonec2', 'digitalocean', 'generic', 'hyperv', 'none', 'qemu', 'virtualbox']);
  });

  it('says when a driver cannot tell its flags', async () => {
    const { stdout } = await runBerth(['create', '-d', 'nosuchdriver', '--help'], { store });
    expect(stdout).toContain('(flags of driver "nosuchdriver" unavailable: Driver "nosuchdriver" not found.');
  });
});
