import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH_VERSION } from '@berth/core';
import { runBerth, runBerthOk } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, type OutputKind, schemaErrors } from '../../support/output-schema.js';

// The real berth, on a store of `none` machines: `--format json` and `--progress json` print lines
// the shipped schema accepts, and the text output is what it was.

/** A loopback port that accepts connections and never answers: an engine that hangs. */
async function tarpit(port = 0): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { server, port: (server.address() as { port: number }).port, close };
}

/** A loopback port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = await tarpit();
  await probe.close();
  return probe.port;
}

function expectLines(kind: OutputKind, stdout: string): Record<string, unknown>[] {
  const lines = jsonLines(stdout) as Record<string, unknown>[];
  for (const line of lines) expect(schemaErrors(kind, line), JSON.stringify(line)).toBe('');
  return lines;
}

describe('--format json and --progress json', () => {
  let store: string;
  let port: number;
  const berth = (args: string[], env?: Record<string, string>) => runBerth(args, { store, ...(env ? { env } : {}) });

  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'berth-json-'));
    port = await freePort();
  });
  afterAll(async () => {
    await rm(store, { recursive: true, force: true });
  });

  it('create --progress json prints the text output’s lines as schema-valid steps, then the hint as info', async () => {
    const text = await runBerthOk(['create', '-d', 'none', '--url', `tcp://127.0.0.1:${port}`, 'plain'], { store });
    const run = await runBerthOk(
      ['create', '-d', 'none', '--url', `tcp://127.0.0.1:${port}`, '--progress', 'json', 'web'],
      { store },
    );
    expect(run.stderr).toBe('');
    const events = expectLines('progressEvent', run.stdout);
    // Same lines as the text output (which made the store's CA first), for the other machine.
    const textLines = text.stdout
      .trimEnd()
      .split('\n')
      .filter((line) => !line.startsWith('Creating CA') && !line.startsWith('Creating client'));
    expect(events.map((event) => event.message)).toEqual(textLines.map((line) => line.replaceAll('plain', 'web')));
    const steps = textLines.slice(0, -1);
    expect(steps.length).toBeGreaterThan(1);
    expect(events.map((event) => event.type)).toEqual([...steps.map(() => 'step'), 'info']);
    expect(events.filter((event) => event.type === 'step').map((event) => event.step)).toEqual(
      steps.map((_, index) => index + 1),
    );
    expect(new Set(events.map((event) => event.machine))).toEqual(new Set(['web']));
    expect(new Set(events.map((event) => event.command))).toEqual(new Set(['create']));
  });

  it('a failure is one error line with its stable code, on stdout alone, and the usual exit status', async () => {
    const exists = await berth(['create', '-d', 'none', '--url', 'tcp://127.0.0.1:9', '--progress', 'json', 'web']);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toBe('');
    const [event, ...more] = expectLines('progressEvent', exists.stdout);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'error', command: 'create', code: 'MachineExists' });
    // Before any driver is asked: an unknown driver, and a flag oclif refuses.
    const nodriver = await berth(['create', '-d', 'nosuchdriver', '--progress', 'json', 'x']);
    expect(nodriver.code).toBe(1);
    expect(expectLines('progressEvent', nodriver.stdout)).toMatchObject([{ type: 'error', code: 'DriverNotFound' }]);
    const badFlag = await berth(['create', '-d', 'none', '--progress', 'json', '--no-such-flag', 'x']);
    expect(badFlag.code).toBe(1);
    expect(expectLines('progressEvent', badFlag.stdout)).toMatchObject([{ type: 'error', code: 'UsageError' }]);
    // A failed pre-create check keeps create's exit status 3 (nothing listens on port 1).
    const ssh = ['--generic-ip-address', '127.0.0.1', '--generic-ssh-port', '1'];
    const precreate = await berth(['create', '-d', 'generic', ...ssh, '--progress', 'json', 'nossh']);
    expect(precreate.code).toBe(3);
    expect(expectLines('progressEvent', precreate.stdout)).toMatchObject([
      { type: 'step', machine: 'nossh', step: 1, message: 'Running pre-create checks...' },
      { type: 'error', machine: 'nossh', code: 'InvalidFlag' },
    ]);
  });

  it('start, stop and rm report per machine; rm asks for -y rather than prompt on a JSON stream', async () => {
    const start = await berth(['start', '--progress', 'json', 'web']);
    expect(start.code).toBe(1);
    const events = expectLines('progressEvent', start.stdout);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      command: 'start',
      machine: 'web',
      code: 'MachineAlreadyInState',
    });
    const stop = await berth(['stop', '--progress', 'json', 'web', 'nosuch']);
    expect(stop.code).toBe(1);
    const stopped = expectLines('progressEvent', stop.stdout);
    expect(stopped.find((event) => event.machine === 'nosuch')).toMatchObject({
      type: 'error',
      code: 'MachineNotFound',
    });
    expect(stopped.filter((event) => event.machine === 'web')).toMatchObject([
      { type: 'step', step: 1, message: 'Stopping "web"...' },
      { type: 'error', code: 'NotSupported' },
    ]);

    const unconfirmed = await berth(['rm', '--progress', 'json', 'plain']);
    expect(unconfirmed.code).toBe(1);
    expect(expectLines('progressEvent', unconfirmed.stdout)).toMatchObject([{ type: 'error', code: 'UsageError' }]);
    expect(await readdir(join(store, 'machines'))).toContain('plain');
  });

  it('ls, inspect, status, version and active print schema-valid JSON', async () => {
    const url = `tcp://127.0.0.1:${port}`;
    const ls = await runBerthOk(['ls', '--format', 'json'], { store, env: { DOCKER_HOST: url } });
    const machines = expectLines('lsMachine', ls.stdout);
    expect(machines.map((machine) => machine.Name)).toEqual(['plain', 'web']);
    expect(machines[1]).toMatchObject({
      DriverName: 'none',
      State: 'Running',
      URL: url,
      ActiveHost: true,
      LastKnown: null,
    });
    expect(machines[1]?.Error).toMatch(/^Unable to query docker version/);

    const inspect = await runBerthOk(['inspect', '--format', 'json', 'web'], { store });
    const [config] = expectLines('inspect', inspect.stdout);
    expect(config).toEqual(JSON.parse(await readFile(join(store, 'machines/web/config.json'), 'utf8')));
    // docker-machine's own templates still work as they did.
    const template = await runBerthOk(['inspect', '--format', '{{json .DriverName}}', 'web'], { store });
    expect(template.stdout).toBe('"none"\n');

    const status = await runBerthOk(['status', '--format', 'json', 'web'], { store });
    expect(expectLines('status', status.stdout)).toEqual([{ Name: 'web', State: 'Running' }]);
    expect((await runBerthOk(['status', 'web'], { store })).stdout).toBe('Running\n');

    const version = await runBerthOk(['version', '--format', 'json'], { store });
    expect(expectLines('berthVersion', version.stdout)).toEqual([{ Version: BERTH_VERSION }]);

    const active = await runBerthOk(['active', '--format', 'json'], { store, env: { DOCKER_HOST: url } });
    expect(expectLines('active', active.stdout)).toEqual([{ Name: 'plain' }]);

    const refused = await berth(['status', '--format', '{{.State}}', 'web']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--format/);
  });

  it('a machine that stops answering shows its last known state and age; JSON carries both', async () => {
    // Both machines answered the ls above; their answers were kept beside config.json.
    const kept = JSON.parse(await readFile(join(store, 'machines/web/berth-last-state.json'), 'utf8'));
    expect(kept).toMatchObject({ state: 'Running' });
    expect(Date.now() - Date.parse(kept.at)).toBeLessThan(60_000);
    const hanging = await tarpit(port);
    try {
      const table = await runBerthOk(['ls', '--timeout', '1'], { store });
      const rows = table.stdout.split('\n').filter((line) => line.startsWith('web '));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(/^web {2,}none {2,}Timeout \(Running \d+s ago\) {2,}$/);
      const json = await runBerthOk(['ls', '--timeout', '1', '--format', 'json'], { store });
      const web = expectLines('lsMachine', json.stdout).find((machine) => machine.Name === 'web');
      expect(web).toMatchObject({ State: 'Timeout', URL: null, ResponseTimeMs: 1000 });
      expect(web?.LastKnown).toMatchObject({ State: 'Running', At: kept.at });
      expect(web?.LastKnown).toHaveProperty('AgeSeconds', expect.any(Number));
      // A user's template sees docker-machine's State.
      const format = await runBerthOk(['ls', '--timeout', '1', '--format', '{{.Name}} {{.State}}'], { store });
      expect(format.stdout).toBe('plain Timeout\nweb Timeout\n');
      // A timeout is no answer: the record is not replaced.
      expect(JSON.parse(await readFile(join(store, 'machines/web/berth-last-state.json'), 'utf8'))).toEqual(kept);
    } finally {
      await hanging.close();
    }
  });

  it('ls -q names on stderr the machines it cannot read, lists the others, and exits 0', async () => {
    await mkdir(join(store, 'machines/broken'), { mode: 0o700 });
    await writeFile(join(store, 'machines/broken/config.json'), '', { mode: 0o600 });
    try {
      const quiet = await runBerthOk(['ls', '-q'], { store });
      expect(quiet.stdout).toBe('plain\nweb\n');
      expect(quiet.stderr.split('\n')[0]).toBe(
        'Could not read machine "broken": Error getting migrated host: unexpected end of JSON input',
      );
      expect(quiet.stderr).toContain(join(store, 'machines/broken/config.json'));
      // So does a filtered list, which leaves unreadable machines out; the full table shows them as a row.
      const filtered = await runBerthOk(['ls', '--filter', 'driver=none', '--format', '{{.Name}}'], { store });
      expect(filtered.stdout).toBe('plain\nweb\n');
      expect(filtered.stderr).toContain('Could not read machine "broken"');
      const full = await runBerthOk(['ls', '--format', 'json'], { store });
      expect(full.stderr).toBe('');
      expect(expectLines('lsMachine', full.stdout)[0]).toMatchObject({
        Name: 'broken',
        DriverName: null,
        State: 'Error',
      });
    } finally {
      await rm(join(store, 'machines/broken'), { recursive: true, force: true });
    }
  });

  it('rm -y --progress json removes and says so per machine', async () => {
    const run = await runBerthOk(['rm', '-y', '--progress', 'json', 'plain'], { store });
    const events = expectLines('progressEvent', run.stdout);
    expect(events.map((event) => [event.type, event.machine])).toEqual([
      ['info', null],
      ['info', null],
      ['step', 'plain'],
    ]);
    expect(events.at(-1)?.message).toBe('Successfully removed plain');
    expect(await readdir(join(store, 'machines'))).toEqual(['web']);
  });
});
