import { describe, expect, it } from 'vitest';
import {
  displayedState,
  formatAge,
  type LsRow,
  lsMachineJson,
  renderLs,
  renderLsJson,
} from '../../../src/render/index.js';
import { jsonLines, schemaErrors } from '../../support/output-schema.js';
import { fixtureStdout } from './fixtures.js';
import { brokenRow, dmGenericRow, legacyNoneRow, timeoutRow } from './ls-rows.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');

/** A machine that answered Running `ageMs` before NOW, then timed out. */
function lastSeenRow(name: string, ageMs: number): LsRow {
  return {
    ...timeoutRow(name, 1000),
    LastKnown: { State: 'Running', At: new Date(NOW.getTime() - ageMs).toISOString() },
  };
}

describe('ls --format json', () => {
  it('prints one schema-valid object per machine, in the table order, typed and with nulls for blanks', () => {
    const rows = [legacyNoneRow(), brokenRow(), dmGenericRow(), lastSeenRow('t1', 720_000)];
    const lines = jsonLines(renderLsJson(rows, { now: NOW }));
    for (const line of lines) expect(schemaErrors('lsMachine', line)).toBe('');
    expect(lines.map((line) => (line as { Name: string }).Name)).toEqual(['broken', 'dm-generic', 'legacy-none', 't1']);
    expect(lines[1]).toEqual({
      Name: 'dm-generic',
      ActiveHost: false,
      ActiveSwarm: false,
      DriverName: 'generic',
      State: 'Running',
      URL: 'tcp://172.17.0.5:2376',
      Swarm: null,
      DockerVersion: '20.10.24+dfsg1',
      Error: null,
      ResponseTimeMs: 41,
      LastKnown: null,
    });
    // The unreadable machine: no driver (the table's "not found"), its load error.
    expect(lines[0]).toMatchObject({ DriverName: null, State: 'Error', Error: brokenRow().Error, URL: null });
    // "Unknown" in the table: the engine could not be asked.
    expect(lines[2]).toMatchObject({ DockerVersion: null, Error: legacyNoneRow().Error });
    expect(lines[3]).toMatchObject({
      State: 'Timeout',
      ResponseTimeMs: 1000,
      LastKnown: { State: 'Running', At: '2026-01-02T02:52:05.000Z', AgeSeconds: 720 },
    });
  });

  it('names the None state, which the table prints as an empty cell', () => {
    const none = lsMachineJson({ ...dmGenericRow(), State: '', URL: '', DockerVersion: 'Unknown' }, '', NOW);
    expect(none.State).toBe('None');
    expect(schemaErrors('lsMachine', none)).toBe('');
  });

  it('prints nothing for no machines', () => {
    expect(renderLsJson([])).toBe('');
  });

  it('is refused by the schema when a field is missing or misspelt, so the schema test has teeth', () => {
    const line = lsMachineJson(dmGenericRow(), '', NOW);
    const { LastKnown: _dropped, ...missing } = line;
    expect(schemaErrors('lsMachine', missing)).toContain("must have required property 'LastKnown'");
    expect(schemaErrors('lsMachine', { ...line, State: 'running' })).not.toBe('');
    expect(schemaErrors('lsMachine', { ...line, Extra: 1 })).toContain('must NOT have additional properties');
  });
});

describe('a timed-out machine with a last known state', () => {
  it('shows it and its age beside Timeout in the default table', () => {
    const out = renderLs([dmGenericRow(), lastSeenRow('t1', 12 * 60_000 + 5_000)], { now: NOW }).stdout;
    const row = out.split('\n').find((line) => line.startsWith('t1 '));
    expect(row?.split(/ {3,}/)).toEqual(['t1', 'none', 'Timeout (Running 12m ago)', '']);
  });

  it('keeps docker-machine’s .State in a user’s template, and {{json .}} has no new field', () => {
    const rows = [lastSeenRow('t1', 60_000)];
    expect(renderLs(rows, { format: '{{.Name}} {{.State}} {{json .State}}', now: NOW }).stdout).toBe('t1 Timeout 8\n');
    expect(renderLs(rows, { format: '{{json .}}', now: NOW }).stdout).toBe(
      renderLs([timeoutRow('t1', 1000)], { format: '{{json .}}' }).stdout,
    );
    expect(renderLs(rows, { format: 'table {{.Name}}\t{{.State}}', now: NOW }).stdout).toBe(
      'NAME   STATE\nt1     Timeout\n',
    );
  });

  it('without one, is the bare Timeout docker-machine printed (ls-tarpit-timeout-1)', () => {
    const rows = ['t1', 't2', 't3', 't4'].map((name) => timeoutRow(name, 1000));
    expect(renderLs(rows, { now: NOW }).stdout).toBe(fixtureStdout('ls-tarpit-timeout-1'));
    expect(displayedState(timeoutRow('t1', 1000), NOW)).toBe('Timeout');
  });

  it('is only shown for a timeout: a machine that answered shows what it answered', () => {
    const answered = { ...dmGenericRow(), LastKnown: { State: 'Stopped', At: NOW.toISOString() } };
    expect(displayedState(answered, NOW)).toBe('Running');
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_599_000, '59m'],
    [3_600_000, '1h'],
    [47 * 3_600_000, '47h'],
    [48 * 3_600_000, '2d'],
    [-5_000, '0s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
