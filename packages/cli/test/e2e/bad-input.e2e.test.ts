import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateKeyPair,
  runBerth,
  runBerthOk,
  runCommand,
  snapshotTree,
  type TestHost,
  TestSession,
} from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericCreateArgs } from './support/generic-create-args.js';

const sdkEntry = fileURLToPath(import.meta.resolve('@berth/driver-sdk'));

/** A driver that completes the handshake, then dies in the middle of `machine/create`. */
const CRASHING_DRIVER = `#!/usr/bin/env node
import { BaseDriver, serve } from ${JSON.stringify(sdkEntry)};
class Crashy extends BaseDriver {
  name = 'crashy';
  version = '0.0.1';
  capabilities() { return { ssh: false }; }
  createFlags() { return []; }
  async setConfigFromFlags(p) { return { driverConfig: p.machine.driverConfig }; }
  async create() { process.stderr.write('crashy: about to die\\n'); process.exit(3); }
}
serve(new Crashy());
`;

describe('berth: bad input gets a clear error, a non-zero exit, and loses nothing already stored', () => {
  let session: TestSession;
  let host: TestHost;
  let gone: TestHost;
  let store: string;
  let keys: string;

  beforeAll(async () => {
    session = await TestSession.create();
    [host, gone] = await Promise.all([session.startHost({ variant: 'adopt' }), session.startHost()]);
    store = await mkdtemp(join(tmpdir(), 'berth-bad-'));
    keys = await mkdtemp(join(tmpdir(), 'berth-keys-'));
    await runBerthOk(genericCreateArgs(host, 'good'), { store });
    await runBerthOk(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:1', 'plain'], { store });
  });

  afterAll(async () => {
    await session?.clean();
    for (const dir of [store, keys]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a bad command and checks the three promises: message, exit status, store untouched. */
  async function refused(args: string[], message: RegExp, exit = 1, timeoutMs = 60_000) {
    const before = await snapshotTree(store);
    const run = await runBerth(args, { store, timeoutMs });
    expect(run.stderr, run.stdout).toMatch(message);
    expect(run.code).toBe(exit);
    expect(await snapshotTree(store)).toEqual(before);
    return run;
  }

  it('an unreachable address is reported within the timeout, not after minutes', async () => {
    const address = gone.address;
    await gone.powerOff();
    const run = await refused(
      genericCreateArgs({ address, privateKeyPath: host.privateKeyPath }, 'nowhere'),
      new RegExp(`Error with pre-create check: "cannot reach ${address.replaceAll('.', '\\.')}:22`),
      3,
    );
    expect(run.ms).toBeLessThan(30_000);
  });

  it('a wrong key and a wrong user are refused by the host, and the half-made machine is rolled back', async () => {
    const other = generateKeyPair();
    await writeFile(join(keys, 'other'), other.privateKey, { mode: 0o600 });
    const wrongKey = await refused(
      genericCreateArgs({ address: host.address, privateKeyPath: join(keys, 'other') }, 'wrongkey'),
      /SSH to root@.* was refused: the key .*other is not accepted for user "root"/,
    );
    expect(wrongKey.stderr).toContain('Berth removed the unfinished machine "wrongkey"');
    await refused(
      genericCreateArgs(host, 'wronguser', { extra: ['--generic-ssh-user', 'nobody'] }),
      /was refused: .* for user "nobody"/,
    );
  });

  it('an invalid name, an existing name, a missing flag and an unknown driver', async () => {
    await refused(
      ['create', '-d', 'none', '--url', 'tcp://127.0.0.1:2', 'bad name!'],
      /^Error creating machine: Invalid hostname specified\. Allowed hostname chars are: 0-9a-zA-Z \. -$/m,
    );
    await refused(
      ['create', '-d', 'none', '--url', 'tcp://127.0.0.1:2', 'good'],
      /^Docker machine "good" already exists$/m,
    );
    await refused(['create', '-d', 'generic', 'noip'], /generic driver requires the --generic-ip-address option/);
    await refused(['create', '-d', 'none', 'nourl'], /--url/);
    await refused(['create', '-d', 'nosuchdriver', 'x'], /^Driver "nosuchdriver" not found\./m);
    await refused(['inspect', 'UNKNOWN'], /^Docker machine "UNKNOWN" does not exist\./m);
    await refused(['rm', '-y', 'UNKNOWN'], /^Error removing host "UNKNOWN": Docker machine "UNKNOWN" does not exist/m);
    await refused(['ls', '--filter', 'color=blue'], /Unsupported filter key 'color'/);
    await refused(['bogus-command'], /'bogus-command' is not a berth command/);
  });

  it('a corrupt config.json breaks only its own machine', async () => {
    await mkdir(join(store, 'machines/broken'), { mode: 0o700 });
    await writeFile(join(store, 'machines/broken/config.json'), '', { mode: 0o600 });
    const ls = await runBerth(['ls'], { store });
    expect(ls.code).toBe(0);
    const rows = ls.stdout.split('\n');
    expect(rows.find((r) => r.startsWith('broken '))).toMatch(
      /^broken\s+not found\s+Error\s+.*unexpected end of JSON input/,
    );
    expect(rows.find((r) => r.startsWith('good '))).toMatch(/Running/);
    expect((await runBerth(['ls', '-q'], { store })).stdout).toBe('good\nplain\n');
    await refused(['inspect', 'broken'], /unexpected end of JSON input/);
    await refused(['rm', '-y', 'broken'], /Error removing host "broken": .*unexpected end of JSON input/);
    const forced = await runBerth(['rm', '-f', '-y', 'broken'], { store });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Successfully removed broken');
    expect((await runBerth(['ls', '-q'], { store })).stdout).toBe('good\nplain\n');
  });

  it('a driver that dies mid-call gives a clear error in bounded time and leaves no process and no machine', async () => {
    await mkdir(join(store, 'plugins'), { recursive: true });
    const driver = join(store, 'plugins/berth-driver-crashy');
    await writeFile(driver, CRASHING_DRIVER);
    await chmod(driver, 0o755);
    const run = await refused(
      ['create', '-d', 'crashy', 'victim'],
      /Driver "crashy" exited unexpectedly \(exit code 3\)/,
    );
    expect(run.stderr).toContain('crashy: about to die');
    expect(run.ms).toBeLessThan(20_000);
    expect((await runCommand('pgrep', ['-f', 'berth-driver-crashy'])).stdout.trim()).toBe('');
    await rm(join(store, 'plugins'), { recursive: true });
  });

  it('a changed host key is refused, with the way to accept the new key', async () => {
    await runBerthOk(['ssh', 'good', '--', 'true'], { store });
    await host.mustExec('rm -f /etc/ssh/ssh_host_* && ssh-keygen -A && systemctl restart ssh');
    const run = await refused(['--native-ssh', 'ssh', 'good', '--', 'true'], /The SSH host key of .* has changed/);
    expect(run.stderr).toContain(`ssh-keygen -R "[${host.address}]:22" -f "${store}/machines/good/known_hosts"`);
    await refused(['provision', 'good'], /has changed/);
  });
});
