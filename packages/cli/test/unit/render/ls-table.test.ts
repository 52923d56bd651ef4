import { TemplateExecError, TemplateParseError } from '@berth/go-format';
import { describe, expect, it } from 'vitest';
import { filterLs, parseLsFilters, renderLs, renderLsQuiet, sortLsRows } from '../../../src/render/index.js';
import { fixtureStdout } from './fixtures.js';
import { brokenRow, dmGenericRow, legacyNoneRow, timeoutRow } from './ls-rows.js';

describe('ls default table', () => {
  it.each(['ls', 'ls-after-regenerate', 'ls-timeout-1', 'ls-debug'])('matches %s byte for byte', (slug) => {
    const result = renderLs([legacyNoneRow(), dmGenericRow()]);
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe(fixtureStdout(slug));
  });

  it('shows an unreadable machine with DRIVER "not found" (ls-with-broken-config)', () => {
    const result = renderLs([dmGenericRow(), legacyNoneRow(), brokenRow()]);
    expect(result.stdout).toBe(fixtureStdout('ls-with-broken-config'));
  });

  it.each(['ls-tarpit-default-timeout', 'ls-tarpit-timeout-1'])('shows timed-out machines (%s)', (slug) => {
    const rows = ['t3', 't1', 't4', 't2'].map((name) => timeoutRow(name, 1000));
    expect(renderLs(rows).stdout).toBe(fixtureStdout(slug));
  });

  it('prints only the header for no machines', () => {
    expect(renderLs([]).stdout).toBe('NAME   ACTIVE   DRIVER   STATE   URL   SWARM   DOCKER   ERRORS\n');
  });
});

describe('ls --filter', () => {
  const rows = [dmGenericRow(), legacyNoneRow()];

  it.each([
    ['ls-filter-driver-none', 'driver=none'],
    ['ls-filter-name-glob', 'name=dm-*'],
    ['ls-filter-state-running', 'state=Running'],
  ])('matches %s', (slug, filter) => {
    expect(renderLs(filterLs(rows, parseLsFilters([filter]))).stdout).toBe(fixtureStdout(slug));
  });
});

describe('ls --format', () => {
  const rows = [dmGenericRow(), legacyNoneRow()];

  it('prints one line per machine without a header (ls-format-name-driver-state)', () => {
    const result = renderLs(rows, { format: '{{.Name}} {{.DriverName}} {{.State}}' });
    expect(result.stdout).toBe(fixtureStdout('ls-format-name-driver-state'));
  });

  it('adds a header and aligns columns with a table prefix; \\t is an escape (ls-format-table)', () => {
    const format = 'table {{.Name}}\\t{{.URL}}\\t{{.DockerVersion}}\\t{{.Error}}';
    expect(renderLs(rows, { format }).stdout).toBe(fixtureStdout('ls-format-table'));
  });

  it('prints ResponseTime as a Go duration (ls-format-tarpit-timeout-1)', () => {
    const tarpit = ['t1', 't2', 't3', 't4'].map((name) => timeoutRow(name, 1000));
    const format = '{{.Name}}|{{.State}}|{{.URL}}|{{.Error}}|{{.ResponseTime}}';
    expect(renderLs(tarpit, { format }).stdout).toBe(fixtureStdout('ls-format-tarpit-timeout-1'));
  });

  it('turns \\n into a newline and trims spaces around the format', () => {
    const result = renderLs([dmGenericRow()], { format: '  {{.Name}}\\n{{.ResponseTime}}  ' });
    expect(result.stdout).toBe('dm-generic\n41ms\n');
  });

  it('treats any text starting with "table" as a table format, like docker-machine', () => {
    expect(renderLs([dmGenericRow()], { format: 'tableX {{.Name}}' }).stdout).toBe('X NAME\nX dm-generic\n');
  });

  it('exposes every HostListItem field', () => {
    const format =
      '{{.ActiveHost}} {{.ActiveSwarm}} {{.Swarm}}|{{.EngineOptions.Labels}} {{.EngineOptions.DNS}} ' +
      '{{.EngineOptions.TLSVerify}} {{.SwarmOptions.Host}} {{.SwarmOptions.Heartbeat}}';
    expect(renderLs([dmGenericRow()], { format }).stdout).toBe(
      'false false |[env=test] [] true tcp://0.0.0.0:3376 0\n',
    );
  });

  it('prints nil options as <nil> for machines that timed out', () => {
    expect(renderLs([timeoutRow('t1', 1000)], { format: '{{.SwarmOptions}} {{.State}}' }).stdout).toBe(
      '<nil> Timeout\n',
    );
  });

  it('encodes a row as docker-machine did: state as a number, duration in nanoseconds', () => {
    const out = renderLs([timeoutRow('t1', 1000)], { format: '{{json .}}' }).stdout;
    expect(out).toBe(
      '{"Name":"t1","Active":"","ActiveHost":false,"ActiveSwarm":false,"DriverName":"none","State":8,' +
        '"URL":"","SwarmOptions":null,"Swarm":"","EngineOptions":null,"Error":"","DockerVersion":"",' +
        '"ResponseTime":1000000000}\n',
    );
  });

  it('keeps Go JSON names for the engine options (Dns, TlsVerify)', () => {
    const out = renderLs([dmGenericRow()], { format: '{{json .EngineOptions}}' }).stdout;
    expect(out).toContain('"Dns":[],"GraphDir":""');
    expect(out).toContain('"TlsVerify":true');
  });

  it('compares a state with a string (Berth accepts what Go rejected)', () => {
    const rows = [dmGenericRow(), timeoutRow('t1', 1000)];
    const out = renderLs(rows, { format: '{{if eq .State "Running"}}{{.Name}}{{end}}' }).stdout;
    expect(out).toBe('dm-generic\n\n');
  });

  it('reports an unknown field with the fields that exist, after the header it already printed', () => {
    const result = renderLs([dmGenericRow()], { format: 'table {{.Name}}\\t{{.Nmae}}' });
    // As Go's tabwriter: the unfinished row has no column yet, so it is not padded.
    expect(result.stdout).toBe('NAME   <no value>\ndm-generic');
    expect(result.error).toBeInstanceOf(TemplateExecError);
    expect(result.error?.message).toBe(
      'template: ls:1:12: executing "ls" at <.Nmae>: can\'t evaluate field Nmae in type commands.HostListItem',
    );
    expect(result.error?.actions[0]).toMatch(/^Fields of commands.HostListItem: \.Name, \.Active, /);
  });

  it('names the nested type for an unknown nested field', () => {
    const result = renderLs([dmGenericRow()], { format: '{{.SwarmOptions.Foo}}' });
    expect(result.error?.reason).toBe("can't evaluate field Foo in type *swarm.Options");
  });

  it('reports a nil pointer for a known field of missing options', () => {
    const result = renderLs([timeoutRow('t1', 1000)], { format: '{{.SwarmOptions.Host}}' });
    expect(result.error?.reason).toBe('nil pointer evaluating *swarm.Options.Host');
  });

  it('throws a parse error before printing anything', () => {
    expect(() => renderLs([dmGenericRow()], { format: '{{.Name' })).toThrow(TemplateParseError);
    expect(() => renderLs([dmGenericRow()], { format: '{{.Name' })).toThrow('template: ls:1:0: unclosed action');
  });
});

describe('ls SWARM column', () => {
  const member = (name: string, master: boolean) => ({
    ...timeoutRow(name, 0),
    State: 'Running',
    SwarmOptions: { Discovery: 'token://abc', Master: master },
  });

  it('names the master, and marks the master itself', () => {
    const out = renderLs([member('node1', false), member('boss', true)], { format: '{{.Name}}:{{.Swarm}}' }).stdout;
    expect(out).toBe('boss:boss (master)\nnode1:boss\n');
  });

  it('can take the masters from outside the rows', () => {
    const masters = new Map([['token://abc', 'elsewhere']]);
    const out = renderLs([member('node1', false)], { format: '{{.Swarm}}', swarmMasters: masters }).stdout;
    expect(out).toBe('elsewhere\n');
  });
});

describe('ls -q and sorting', () => {
  it('prints names one per line (ls-q)', () => {
    expect(renderLsQuiet(['dm-generic', 'legacy-none'])).toBe(fixtureStdout('ls-q'));
    expect(renderLsQuiet([])).toBe('');
  });

  it('sorts naturally on lower-cased names, numbers before text', () => {
    const names = ['web10', 'Web2', 'web1', 'api', 'web-a', 'web 3', '10', '9'];
    const sorted = sortLsRows(names.map((Name) => ({ Name }))).map((r) => r.Name);
    expect(sorted).toEqual(['9', '10', 'api', 'web1', 'Web2', 'web 3', 'web10', 'web-a']);
  });

  it('keeps names that differ only in case (docker-machine collapsed them)', () => {
    const sorted = sortLsRows([{ Name: 'dev' }, { Name: 'DEV' }]).map((r) => r.Name);
    expect(sorted).toEqual(['dev', 'DEV']);
  });
});
