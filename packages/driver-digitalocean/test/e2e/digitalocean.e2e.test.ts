import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthOnPath, DigitalOceanSimulator, TestSession, tryDocker } from '@berth/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doBash, doBerth, doBerthOk, driverProcessesFor, startDoBerth } from './support/do-berth.js';

let session: TestSession;
let sim: DigitalOceanSimulator;
let store: string;
let bin: string;
/** Everything berth printed in this file: searched for the token at the end. */
const outputs: string[] = [];

beforeAll(async () => {
  session = await TestSession.create();
  sim = await DigitalOceanSimulator.start({ session });
  store = await mkdtemp(join(tmpdir(), 'berth-do-'));
  bin = await berthOnPath();
});

afterAll(async () => {
  await sim?.close();
  await session?.clean();
  for (const dir of [store, bin]) if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(sim.violations(), 'requests and answers must match the official OpenAPI spec').toEqual([]);
  expect(sim.errors(), 'the simulator’s own work must not fail').toEqual([]);
});

async function run(args: string[], env: Record<string, string> = {}) {
  const result = await doBerth(args, { store, env });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function ok(args: string[], env: Record<string, string> = {}) {
  const result = await doBerthOk(args, { store, env });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function shell(script: string) {
  const result = await doBash(script, store, bin);
  outputs.push(result.stdout, result.stderr);
  return result;
}

function createArgs(name: string, extra: string[] = []): string[] {
  return [
    'create',
    '-d',
    'digitalocean',
    '--digitalocean-access-token',
    sim.token,
    '--digitalocean-api-url',
    sim.url,
    '--digitalocean-image',
    'debian-12-x64',
    '--engine-install-url',
    session.installScriptUrl,
    ...extra,
    name,
  ];
}

async function hostContainers(): Promise<string[]> {
  const result = await tryDocker(['ps', '-a', '--filter', session.labelFilter, '--format', '{{.Names}}']);
  return result.stdout.split('\n').filter(Boolean);
}

async function machines(): Promise<string[]> {
  return readdir(join(store, 'machines')).catch(() => []);
}

/** What nothing left means: no droplet, no key, no host container, no machine in the store. */
async function expectNothingLeft(name: string): Promise<void> {
  expect(sim.resources()).toEqual({ droplets: [], sshKeys: [] });
  await sim.settled();
  expect(await hostContainers()).toEqual([]);
  expect(await machines()).not.toContain(name);
}

/** What a user does in the control panel: the droplet goes without berth. */
async function deleteDropletOutOfBand(id: number): Promise<void> {
  const response = await fetch(`${sim.url}/v2/droplets/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${sim.token}` },
  });
  expect(response.status).toBe(204);
}

async function config(name: string): Promise<Record<string, unknown>> {
  const text = await readFile(join(store, 'machines', name, 'config.json'), 'utf8');
  return (JSON.parse(text) as { Driver: Record<string, unknown> }).Driver;
}

function lsRow(stdout: string, name: string): string[] {
  const row = stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
  return row.split(/\s+/).filter(Boolean);
}

describe('a droplet through its whole life', () => {
  it('create → docker run → ls → stop → start on a new IP → restart → kill → rm leaves nothing', async () => {
    // The first call (the region check) is rate limited: berth waits as Retry-After says.
    sim.rateLimitNext(1, 2);
    const userData = join(store, 'cloud-init.yaml');
    await writeFile(userData, '#cloud-config\nruncmd: [touch /tmp/from-user-data]\n');
    const created = await ok(
      createArgs('m1', [
        '--digitalocean-tags',
        'env:test, team-a ,',
        '--digitalocean-region',
        'fra1',
        '--digitalocean-size',
        's-2vcpu-2gb',
        '--digitalocean-backups',
        '--digitalocean-monitoring',
        '--digitalocean-userdata',
        userData,
      ]),
      { MACHINE_DEBUG: '1' },
    );
    expect(created.stdout).toContain('(m1) DigitalOcean API rate limit reached; retrying in 2 s...');
    const [limited, retried] = sim.requests();
    expect([limited?.operationId, limited?.status, retried?.operationId, retried?.status]).toEqual([
      'regions_list',
      429,
      'regions_list',
      200,
    ]);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(created.stdout).toContain('(m1) Creating SSH key...');
    expect(created.stdout).toContain('(m1) Creating Digital Ocean droplet...');
    expect(created.stdout).toContain('(m1) Waiting for IP address to be assigned to the Droplet...');
    expect(created.stdout).toContain('Docker is up and running!');
    const { droplets, sshKeys } = sim.resources();
    expect(droplets).toHaveLength(1);
    expect(sshKeys.map((key) => key.name)).toEqual(['berth:m1']);
    const droplet = droplets[0];
    if (!droplet) throw new Error('no droplet');
    expect(droplet.tags.sort()).toEqual(['berth', 'berth:m1', 'env:test', 'team-a']);
    expect(droplet).toMatchObject({ name: 'm1', region: 'fra1', size: 's-2vcpu-2gb', image: 'debian-12-x64' });
    expect(droplet.features).toEqual(expect.arrayContaining(['backups', 'monitoring']));
    expect(droplet.userData).toBe(await readFile(userData, 'utf8'));
    expect(droplet.sshKeyIds).toEqual([sshKeys[0]?.id]);
    const first = await config('m1');
    expect(first).toMatchObject({
      DropletID: droplet.id,
      DropletName: 'm1',
      IPAddress: droplet.address,
      SSHUser: 'root',
      SSHKeyID: sshKeys[0]?.id,
      Region: 'fra1',
      Size: 's-2vcpu-2gb',
      Backups: true,
      Monitoring: true,
      UserDataFile: userData,
      Tags: 'env:test,team-a',
      APIURL: sim.url,
    });
    const journal = JSON.parse(await readFile(join(store, 'machines/m1/journal.json'), 'utf8'));
    expect(journal.resources.map((entry: { kind: string; id: string }) => [entry.kind, entry.id])).toEqual([
      ['ssh-key', String(sshKeys[0]?.id)],
      ['droplet', String(droplet.id)],
    ]);

    const used = await shell(
      [
        'set -e',
        `docker $(berth config m1) load -i ${session.images.tinyTar} >/dev/null`,
        `docker $(berth config m1) run --rm ${session.images.tiny} echo hello-from-droplet`,
      ].join('\n'),
    );
    expect(used.code, used.stderr).toBe(0);
    expect(used.stdout).toContain('hello-from-droplet');
    expect(lsRow((await ok(['ls'])).stdout, 'm1').slice(0, 5)).toEqual([
      'm1',
      '-',
      'digitalocean',
      'Running',
      `tcp://${droplet.address}:2376`,
    ]);

    await ok(['stop', 'm1'], { MACHINE_DEBUG: '1' });
    expect(sim.resources().droplets[0]?.status).toBe('off');
    expect(lsRow((await ok(['ls'])).stdout, 'm1')[3]).toBe('Stopped');

    const started = await ok(['start', 'm1']);
    const moved = sim.resources().droplets[0];
    expect(moved?.status).toBe('active');
    expect(moved?.address).not.toBe(droplet.address);
    expect((await config('m1')).IPAddress).toBe(moved?.address);
    expect(started.stdout).toContain(`Machine "m1" was started.`);
    const afterStart = await shell("docker $(berth config m1) version --format '{{.Server.Version}}'");
    expect(afterStart.code, afterStart.stderr).toBe(0);
    expect((await ok(['url', 'm1'])).stdout).toBe(`tcp://${moved?.address}:2376\n`);

    await ok(['restart', 'm1']);
    expect(sim.resources().droplets[0]?.status).toBe('active');
    const afterRestart = await shell("docker $(berth config m1) version --format '{{.Server.Version}}'");
    expect(afterRestart.code, afterRestart.stderr).toBe(0);

    await ok(['kill', 'm1']);
    expect(sim.resources().droplets[0]?.status).toBe('off');
    expect((await ok(['status', 'm1'])).stdout).toBe('Stopped\n');

    const inspect = await ok(['inspect', 'm1']);
    expect(JSON.parse(inspect.stdout).Driver.AccessToken).toBe('<redacted>');

    // A failing rm keeps the machine and says exactly what is left; rm -f drops the local entry anyway.
    sim.failAt('droplets_destroy');
    const refused = await run(['rm', '-y', 'm1']);
    expect(refused.code).toBe(1);
    const deny = sim.requests().find((request) => request.operationId === 'droplets_destroy' && request.status === 403);
    expect(refused.stderr).toContain(
      `Error removing host "m1": could not delete every DigitalOcean resource of machine "m1": droplet ${droplet.id} is left ` +
        `(DigitalOcean said "You are not authorized to perform this operation" (HTTP 403 forbidden, request id ${deny?.requestId})): ` +
        `delete it in the DigitalOcean control panel (https://cloud.digitalocean.com/droplets/${droplet.id}) or with \`doctl compute droplet delete ${droplet.id}\``,
    );
    expect(refused.stdout).toContain(`(m1) Deleted SSH key ${sshKeys[0]?.id}`);
    expect(sim.resources().sshKeys).toEqual([]);
    expect((await ok(['ls', '-q'])).stdout).toBe('m1\n');

    sim.failAt('droplets_destroy');
    const forced = await run(['rm', '-f', 'm1']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(`droplet ${droplet.id} is left`);
    expect(forced.stdout).toContain('Successfully removed m1');
    expect(await readdir(join(store, 'machines'))).toEqual([]);
    expect(sim.resources().droplets.map((d) => d.id)).toEqual([droplet.id]);
    await deleteDropletOutOfBand(droplet.id);
    await expectNothingLeft('m1');
  });
});

describe('a create that fails leaves nothing behind', () => {
  const activeDroplet = () => sim.resources().droplets.some((d) => d.status === 'active');
  const cases = [
    {
      name: 'f1',
      step: 'regions_list',
      exit: 3,
      prefix: 'Error with pre-create check: "could not list the DigitalOcean regions',
    },
    { name: 'f2', step: 'sshKeys_create', exit: 1, prefix: 'could not create the SSH key' },
    { name: 'f3', step: 'droplets_create', exit: 1, prefix: 'could not create the droplet', deleted: ['SSH key'] },
    { name: 'f4', step: 'droplets_get', exit: 1, prefix: 'could not read droplet', deleted: ['droplet', 'SSH key'] },
    {
      name: 'f5',
      step: 'droplets_get',
      when: activeDroplet,
      occurrence: 2,
      exit: 1,
      prefix: 'could not read droplet',
      deleted: ['droplet', 'SSH key'],
      // The droplet was made and is up: this is the host's wait for Running, after the driver's create.
      after: 'Waiting for machine to be running, this may take a few minutes...',
    },
  ];
  it.each(cases)('an API error at $step ($name) is shown with its request id and rolled back', async (c) => {
    const since = sim.requests().length;
    sim.failAt(c.step, { occurrence: c.occurrence ?? 1, when: c.when });
    // The token from the environment this time.
    const args = createArgs(c.name).filter((arg, i, all) => arg !== sim.token && all[i + 1] !== sim.token);
    const result = await run(args, { DIGITALOCEAN_ACCESS_TOKEN: sim.token });
    sim.clearFaults();
    expect(result.code, result.stderr).toBe(c.exit);
    const failed = sim
      .requests()
      .slice(since)
      .find((request) => request.operationId === c.step && request.status === 403);
    expect(result.stderr).toContain(c.prefix);
    const said = `DigitalOcean said "You are not authorized to perform this operation" (HTTP 403 forbidden, request id ${failed?.requestId})`;
    // A failed pre-create check is shown Go-quoted (%q), as docker-machine did: its quotes escaped.
    expect(result.stderr).toContain(c.exit === 3 ? said.replaceAll('"', '\\"') : said);
    for (const kind of c.deleted ?? [])
      expect(result.stdout).toMatch(new RegExp(`\\(${c.name}\\) Deleted ${kind} \\d+`));
    if (c.exit === 1) expect(result.stderr).toContain(`Berth removed the unfinished machine "${c.name}"`);
    if (c.after) expect(result.stdout).toContain(c.after);
    await expectNothingLeft(c.name);
  });

  it('a droplet that never gets an IP ends the create within the bound, rolled back', async () => {
    sim.noIp();
    const result = await run(createArgs('f6'), { BERTH_DIGITALOCEAN_IP_TIMEOUT: '3' });
    sim.clearFaults();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/droplet \d+ got no public IPv4 address within 3 s \(status "new"\)/);
    expect(result.stdout).toMatch(/\(f6\) Deleted droplet \d+/);
    await expectNothingLeft('f6');
  });

  it('when the rollback itself fails, the machine and its journal are kept, ls shows it, and rm finishes the job', async () => {
    sim.failAt('droplets_get');
    sim.failAt('droplets_destroy');
    const result = await run(createArgs('f7'));
    sim.clearFaults();
    expect(result.code).toBe(1);
    const [left] = sim.resources().droplets;
    if (!left) throw new Error('the injected failure should have left the droplet');
    expect(sim.resources().sshKeys).toEqual([]);
    expect(result.stdout).toMatch(/\(f7\) Deleted SSH key \d+/);
    expect(result.stderr).toContain(`droplet ${left.id} is left`);
    expect(result.stderr).toContain('Berth kept the unfinished machine "f7"');
    expect(result.stderr).toContain('`berth rm f7`');

    // Kept: the entry, and the journal naming the droplet that is still there.
    expect(await machines()).toContain('f7');
    const journal = JSON.parse(await readFile(join(store, 'machines', 'f7', 'journal.json'), 'utf8')) as {
      resources: { kind: string; id: string }[];
    };
    expect(journal.resources).toEqual([expect.objectContaining({ kind: 'droplet', id: String(left.id) })]);
    const listed = await ok(['ls', '--filter', 'name=f7', '--format', '{{.Name}}|{{.State}}|{{.Error}}']);
    expect(listed.stdout).toMatch(/^f7\|Error\|Create failed \(\w+\): .*run `berth rm f7`\n$/);

    // The fault is gone: rm removes every journaled resource, then the entry.
    await ok(['rm', '-y', 'f7']);
    await expectNothingLeft('f7');
  });
});

describe('an interrupted create leaves nothing behind', () => {
  const cases = [
    {
      name: 'i1',
      phase: 'pre-create',
      line: 'Running pre-create checks...',
      slow: 'regions_list',
      stored: false,
      signal: 'SIGINT' as const,
    },
    {
      name: 'i2',
      phase: 'SSH key',
      line: '(i2) Creating SSH key...',
      slow: 'sshKeys_create',
      signal: 'SIGINT' as const,
      deleted: ['SSH key'],
    },
    {
      name: 'i3',
      phase: 'droplet',
      line: '(i3) Creating Digital Ocean droplet...',
      slow: 'droplets_create',
      signal: 'SIGINT' as const,
      deleted: ['droplet', 'SSH key'],
    },
    {
      name: 'i4',
      phase: 'IP wait',
      line: '(i4) Waiting for IP address to be assigned to the Droplet...',
      noIp: true,
      signal: 'SIGTERM' as const,
      deleted: ['droplet', 'SSH key'],
    },
    {
      name: 'i5',
      phase: 'provisioning',
      line: 'Installing Docker...',
      signal: 'SIGINT' as const,
      deleted: ['droplet', 'SSH key'],
    },
  ];
  it.each(cases)('$signal during $phase ($name)', async (c) => {
    if (c.slow) sim.slow(4_000, { operation: c.slow, times: 1 });
    if (c.noIp) sim.noIp();
    const berth = startDoBerth(createArgs(c.name), { store });
    // With a slow call, the signal lands while its request is at the simulator (already acted on).
    await Promise.all([berth.waitFor(c.line), c.slow ? sim.waitForCall(c.slow) : undefined]);
    const interrupted = Date.now();
    berth.child.kill(c.signal);
    const { code } = await berth.exited;
    sim.clearFaults();
    outputs.push(berth.stdout(), berth.stderr());
    expect(Date.now() - interrupted).toBeLessThan(15_000);
    expect(code).not.toBe(0);
    expect(berth.stderr()).toMatch(/was cancelled|Interrupted/);
    if (c.stored !== false) expect(berth.stderr()).toContain(`Berth removed the unfinished machine "${c.name}"`);
    for (const kind of c.deleted ?? [])
      expect(berth.stdout()).toMatch(new RegExp(`\\(${c.name}\\) Deleted ${kind} \\d+`));
    await expectNothingLeft(c.name);
    expect(await driverProcessesFor(store)).toEqual([]);
  });
});

describe('secrets', () => {
  it('the token appears in no output berth printed in this file', () => {
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(output).not.toContain(sim.token);
  });
});
