// JSON for tools, on a real machine: `--progress json` through a real generic create and
// re-provision, `--format json` of ls, inspect, status, version and active against the real
// engine, all held to the shipped schema; and an honest `ls` when the host stops answering (its
// container frozen: TCP still connects, nothing replies), showing the last known state.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, runBerth, runBerthOk, type TestHost, TestSession } from '@berth/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, type OutputKind, schemaErrors } from '../support/output-schema.js';
import { genericCreateArgs } from './support/generic-create-args.js';

function expectLines(kind: OutputKind, stdout: string): Record<string, unknown>[] {
  const lines = jsonLines(stdout) as Record<string, unknown>[];
  for (const line of lines) expect(schemaErrors(kind, line), JSON.stringify(line)).toBe('');
  return lines;
}

/** Steps of one machine, numbered 1..n in order, and the machine named on each. */
function expectSteps(events: readonly Record<string, unknown>[], machine: string): string[] {
  const steps = events.filter((event) => event.type === 'step');
  expect(steps.map((event) => event.step)).toEqual(steps.map((_, index) => index + 1));
  expect(new Set(steps.map((event) => event.machine))).toEqual(new Set([machine]));
  return steps.map((event) => String(event.message));
}

describe('berth JSON output on a real machine', () => {
  let session: TestSession;
  let host: TestHost;
  let store: string;
  const url = () => `tcp://${host.address}:2376`;

  beforeAll(async () => {
    session = await TestSession.create();
    host = await session.startHost({ variant: 'adopt' });
    store = await mkdtemp(join(tmpdir(), 'berth-json-e2e-'));
  });

  afterAll(async () => {
    await session?.clean();
    if (store) await rm(store, { recursive: true, force: true });
  });

  it('create -d generic --progress json prints each step as a JSON line, and nothing else', async () => {
    const run = await runBerthOk([...genericCreateArgs(host, 'web'), '--progress', 'json'], { store });
    expect(run.stderr).toBe('');
    const events = expectLines('progressEvent', run.stdout);
    const steps = expectSteps(events, 'web');
    // The text output's lines, in its order.
    expect(steps.slice(0, 4)).toEqual([
      `Creating CA: ${store}/certs/ca.pem`,
      `Creating client certificate: ${store}/certs/cert.pem`,
      'Running pre-create checks...',
      'Creating machine...',
    ]);
    expect(steps).toContain('(web) Importing SSH key...');
    expect(steps).toContain('Docker is already installed on the machine, adopting it...');
    expect(steps.at(-1)).toBe('Docker is up and running!');
    expect(events.at(-1)).toMatchObject({ type: 'info', machine: 'web', command: 'create' });
    expect(String(events.at(-1)?.message)).toMatch(/run: berth env web$/);
  });

  it('ls, inspect, status, version and active answer in JSON about the live machine', async () => {
    const ls = await runBerthOk(['ls', '--format', 'json'], { store, env: { DOCKER_HOST: url() } });
    const [web, ...others] = expectLines('lsMachine', ls.stdout);
    expect(others).toEqual([]);
    expect(web).toMatchObject({
      Name: 'web',
      ActiveHost: true,
      DriverName: 'generic',
      State: 'Running',
      URL: url(),
      Error: null,
      LastKnown: null,
    });
    const version = await runBerthOk(['version', '--format', 'json', 'web'], { store });
    const [engine] = expectLines('machineVersion', version.stdout);
    expect(engine).toEqual({ Name: 'web', DockerVersion: web?.DockerVersion });
    expect((await runBerthOk(['version', 'web'], { store })).stdout).toBe(`${engine?.DockerVersion}\n`);

    const inspect = await runBerthOk(['inspect', '--format', 'json', 'web'], { store });
    const [config] = expectLines('inspect', inspect.stdout);
    expect(config).toEqual(JSON.parse(await readFile(join(store, 'machines/web/config.json'), 'utf8')));
    expect(config).toMatchObject({ DriverName: 'generic', Driver: { IPAddress: host.address } });

    const status = await runBerthOk(['status', '--format', 'json', 'web'], { store });
    expect(expectLines('status', status.stdout)).toEqual([{ Name: 'web', State: 'Running' }]);
    const active = await runBerthOk(['active', '--format', 'json'], { store, env: { DOCKER_HOST: url() } });
    expect(expectLines('active', active.stdout)).toEqual([{ Name: 'web' }]);
  });

  it('provision --progress json re-provisions with every step a JSON line', async () => {
    const run = await runBerthOk(['provision', '--progress', 'json', 'web'], { store });
    const steps = expectSteps(expectLines('progressEvent', run.stdout), 'web');
    expect(steps[0]).toBe('Waiting for SSH to be available...');
    expect(steps).toContain('Copying certs to the remote machine...');
    expect((await runBerthOk(['status', 'web'], { store })).stdout).toBe('Running\n');
  });

  it('a host that stops answering shows its last known state and age instead of a bare Timeout', async () => {
    const seen = JSON.parse(await readFile(join(store, 'machines/web/berth-last-state.json'), 'utf8'));
    expect(seen.state).toBe('Running');
    await docker(['pause', host.name]);
    try {
      const table = await runBerthOk(['ls', '--timeout', '1'], { store });
      const [header, row] = table.stdout.split('\n');
      expect(header).toMatch(/^NAME\s+ACTIVE\s+DRIVER\s+STATE\s+URL/);
      expect(row).toMatch(/^web {2,}generic {2,}Timeout \(Running \d+[sm] ago\) {2,}$/);
      const json = await runBerthOk(['ls', '--timeout', '1', '--format', 'json'], { store });
      const [web] = expectLines('lsMachine', json.stdout);
      expect(web).toMatchObject({ Name: 'web', State: 'Timeout', ResponseTimeMs: 1000 });
      expect(web?.LastKnown).toMatchObject({ State: 'Running', At: seen.at });
      expect((web?.LastKnown as { AgeSeconds: number } | undefined)?.AgeSeconds).toBeGreaterThanOrEqual(0);
      // docker-machine's template fields are as they were.
      const template = await runBerthOk(['ls', '--timeout', '1', '--format', '{{.Name}} {{.State}}'], { store });
      expect(template.stdout).toBe('web Timeout\n');
    } finally {
      await docker(['unpause', host.name]);
    }
    const back = await runBerthOk(['ls', '--format', 'json'], { store });
    expect(expectLines('lsMachine', back.stdout)[0]).toMatchObject({ State: 'Running', LastKnown: null });
  });

  it('rm -y --progress json removes the machine; a second rm is an error line with its code', async () => {
    const run = await runBerthOk(['rm', '-y', '--progress', 'json', 'web'], { store });
    const events = expectLines('progressEvent', run.stdout);
    expect(events.at(-1)).toMatchObject({ type: 'step', machine: 'web', message: 'Successfully removed web' });
    const again = await runBerth(['rm', '-y', '--progress', 'json', 'web'], { store });
    expect(again.code).toBe(1);
    expect(expectLines('progressEvent', again.stdout).at(-1)).toMatchObject({
      type: 'error',
      machine: 'web',
      code: 'MachineNotFound',
    });
    expect((await runBerthOk(['ls', '-q'], { store })).stdout).toBe('');
  });
});
