import { describe, expect, it } from 'vitest';
import { filterLs, parseLsFilters, renderLs } from '../../../src/render/index.js';
import { timeoutRow } from './ls-rows.js';

/** The SWARM column for swarm mode (what `create --swarm-mode` records), beside docker-machine's standalone Swarm. */
describe('ls SWARM column: swarm mode', () => {
  const node = (name: string, role: 'manager' | 'worker', manager: string) => ({
    ...timeoutRow(name, 0),
    State: 'Running',
    SwarmOptions: { Discovery: '', Master: false },
    SwarmMode: { Role: role, Manager: manager },
  });
  const plain = (name: string) => ({ ...timeoutRow(name, 0), State: 'Running', SwarmOptions: { Discovery: '' } });

  it('names the swarm by the manager that started it, with the role', () => {
    const rows = [node('mgr', 'manager', 'mgr'), node('wk', 'worker', 'mgr'), plain('solo')];
    expect(renderLs(rows, { format: '{{.Name}}={{.Swarm}}' }).stdout).toBe(
      'mgr=mgr (manager)\nsolo=\nwk=mgr (worker)\n',
    );
  });

  it('shows nothing for standalone Swarm settings Berth did not set up, unless docker-machine wrote them', () => {
    // A record with docker-machine's master settings still shows them; Berth never writes them.
    const legacy = { ...plain('boss'), SwarmOptions: { Discovery: 'token://abc', Master: true } };
    expect(renderLs([legacy, plain('fresh')], { format: '{{.Name}}={{.Swarm}}' }).stdout).toBe(
      'boss=boss (master)\nfresh=\n',
    );
  });

  it("keeps `{{json .}}` docker-machine's: the membership is no template field", () => {
    const out = renderLs([node('mgr', 'manager', 'mgr')], { format: '{{json .}}' }).stdout;
    expect(JSON.parse(out)).not.toHaveProperty('SwarmMode');
    expect(JSON.parse(out).Swarm).toBe('mgr (manager)');
  });

  it('ls --filter swarm=NAME matches the members of that swarm', () => {
    const rows = [node('mgr', 'manager', 'mgr'), node('wk', 'worker', 'mgr'), node('other', 'manager', 'other')];
    expect(filterLs(rows, parseLsFilters(['swarm=MGR'])).map((row) => row.Name)).toEqual(['mgr', 'wk']);
  });
});
