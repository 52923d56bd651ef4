import { describe, expect, it } from 'vitest';
import { filterLs, LsFilterError, needsState, parseLsFilters } from '../../../src/render/index.js';

const machines = [
  {
    Name: 'dm-generic',
    DriverName: 'generic',
    State: 'Running',
    SwarmOptions: { Discovery: '', Master: false },
    EngineOptions: { Labels: ['env=test', 'provider=generic'] },
  },
  { Name: 'legacy-none', DriverName: 'none', State: 'Running', SwarmOptions: { Master: false }, EngineOptions: {} },
  {
    Name: 'web1',
    DriverName: 'virtualbox',
    State: 'Stopped',
    SwarmOptions: { Discovery: 'token://x', Master: true },
    EngineOptions: { Labels: ['env=Prod'] },
  },
  {
    Name: 'web2',
    DriverName: 'VirtualBox',
    State: 'Running',
    SwarmOptions: { Discovery: 'token://x', Master: false },
    EngineOptions: { Labels: null },
  },
];

const names = (filters: string[]): string[] => filterLs(machines, parseLsFilters(filters)).map((m) => m.Name);

describe('ls --filter', () => {
  it('keeps everything without filters', () => {
    expect(names([])).toEqual(['dm-generic', 'legacy-none', 'web1', 'web2']);
  });

  it('matches driver and state case-insensitively', () => {
    expect(names(['driver=virtualbox'])).toEqual(['web1', 'web2']);
    expect(names(['state=stopped'])).toEqual(['web1']);
    expect(names(['DRIVER=none'])).toEqual(['legacy-none']);
  });

  it('treats name as an unanchored regular expression, not a glob', () => {
    expect(names(['name=dm-*'])).toEqual(['dm-generic']);
    expect(names(['name=e'])).toEqual(['dm-generic', 'legacy-none', 'web1', 'web2']);
    expect(names(['name=^web[0-9]$'])).toEqual(['web1', 'web2']);
    expect(names(['name=(?i)^WEB1'])).toEqual(['web1']);
  });

  it('ORs repeated keys and ANDs different keys', () => {
    expect(names(['driver=none', 'driver=generic'])).toEqual(['dm-generic', 'legacy-none']);
    expect(names(['driver=virtualbox', 'state=Running'])).toEqual(['web2']);
  });

  it('matches engine labels by key and case-insensitive value', () => {
    expect(names(['label=env=test'])).toEqual(['dm-generic']);
    expect(names(['label=env=prod'])).toEqual(['web1']);
    expect(names(['label=env'])).toEqual(['dm-generic', 'web1']);
  });

  it('matches swarm members by their master name', () => {
    expect(names(['swarm=WEB1'])).toEqual(['web1', 'web2']);
  });

  it('says when the live state is needed', () => {
    expect(needsState(parseLsFilters(['state=Running']))).toBe(true);
    expect(needsState(parseLsFilters(['name=x']))).toBe(false);
  });

  it.each([
    ['driver', 'Unsupported filter syntax'],
    ['Color=red', "Unsupported filter key 'color'"],
    ['name=[a', 'error parsing regexp: missing closing ]: `[a`'],
    ['name=(a', 'error parsing regexp: missing closing ): `(a`'],
    ['name=a)', 'error parsing regexp: unexpected ): `a)`'],
    ['name=*a', 'error parsing regexp: missing argument to repetition operator: `*`'],
    ['name=a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['name=(?=a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['name=(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
  ])('rejects %s with docker-machine wording', (filter, message) => {
    let error: unknown;
    try {
      parseLsFilters([filter]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LsFilterError);
    expect((error as LsFilterError).message).toBe(message);
    expect((error as LsFilterError).exitCode).toBe(1);
    expect((error as LsFilterError).actions.length).toBeGreaterThan(0);
  });
});
