import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProtocolDescription } from '../../scripts/generate-protocol-json.mjs';

// PROTOCOL.md is what outside authors read; protocol.json is what their programs read, generated
// from the declarations (protocol-json.test.ts keeps it fresh). These checks compare the two, both
// ways, so the document cannot drift from the code silently.
const doc = readFileSync(new URL('../../PROTOCOL.md', import.meta.url), 'utf8');
const protocol = JSON.parse(
  readFileSync(new URL('../../protocol.json', import.meta.url), 'utf8'),
) as ProtocolDescription;

/** The part of the document from `heading` up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`PROTOCOL.md has no heading "${heading}"`);
  const level = heading.split(' ')[0] as string;
  const rest = doc.slice(start + heading.length + 1);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** Each table row's first cell, by the backticked names in it. */
function firstCells(text: string): Map<string, string> {
  const cells = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cell = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (!cell) continue;
    for (const match of cell.matchAll(/`([A-Za-z$/]+)`/g)) cells.set(match[1] as string, cell);
  }
  return cells;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('PROTOCOL.md against protocol.json', () => {
  it('specifies the version protocol.json describes', () => {
    expect(protocol.protocolVersion).toMatch(/^\d+\.\d+$/);
    expect(doc.split('\n')[0]).toBe(`# Berth driver protocol, version ${protocol.protocolVersion}`);
    expect(section('## 10. Versioning')).toContain(`this document specifies **${protocol.protocolVersion}**`);
    expect(section('## 10. Versioning')).toContain(`**${protocol.protocolVersion}** — `);
  });

  it('lists every method in the table of its direction, and no other', () => {
    const requests = firstCells(section('### 4.1 Requests (host → driver)'));
    const notifications = firstCells(section('### 4.3 Notifications (driver → host)'));
    const byDirection = (direction: string) =>
      sorted(protocol.methods.filter((method) => method.direction === direction).map((method) => method.method));
    expect(sorted([...requests.keys()].filter((name) => name.includes('/')))).toEqual(byDirection('hostToDriver'));
    expect(sorted(notifications.keys())).toEqual(byDirection('driverToHost'));
    expect(protocol.methods.filter((method) => method.kind === 'request').map((method) => method.direction)).toEqual(
      Array(requests.size).fill('hostToDriver'),
    );
  });

  it('marks read-only requests as read-only, and only those', () => {
    const rows = section('### 4.1 Requests (host → driver)')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    const documented = rows.filter((row) => row.includes('Read-only.')).map((row) => /`([^`]+)`/.exec(row)?.[1]);
    expect(sorted(documented as string[])).toEqual(
      sorted(protocol.methods.filter((method) => method.readOnly).map((method) => method.method)),
    );
  });

  it('marks methods added after 1.0 with their version, and deprecated ones as deprecated', () => {
    const cells = new Map([
      ...firstCells(section('### 4.1 Requests (host → driver)')),
      ...firstCells(section('### 4.3 Notifications (driver → host)')),
    ]);
    for (const method of protocol.methods) {
      const cell = cells.get(method.method) ?? '';
      if (method.deprecated !== undefined) expect(cell, method.method).toContain('(deprecated)');
      else if (method.since !== '1.0') expect(cell, method.method).toContain(`(since ${method.since})`);
      else expect(cell, method.method).toBe(`\`${method.method}\``);
    }
  });

  it('lists every capability, with the version that added it, and no other', () => {
    const documented = firstCells(section('### 3.1 Capabilities'));
    expect(sorted(documented.keys())).toEqual(sorted(protocol.capabilities.map((capability) => capability.name)));
    for (const capability of protocol.capabilities) {
      if (capability.since !== '1.0') expect(documented.get(capability.name)).toContain(`since ${capability.since}`);
    }
  });

  it('lists every error code, and no other', () => {
    const documented = firstCells(section('### 9.1 Codes'));
    expect(sorted(documented.keys())).toEqual(sorted(protocol.errorCodes.map((code) => code.name)));
  });

  it('names the JSON-RPC codes errors travel with, and how plain JSON-RPC codes are read', () => {
    const errors = section('## 9. Errors').replace(/\s+/g, ' ');
    expect(errors).toContain(`whose \`code\` is **${protocol.errors.jsonRpcCode}**`);
    for (const code of protocol.errorCodes) {
      for (const jsonRpcCode of code.alsoFromJsonRpcCodes ?? []) {
        expect(errors).toMatch(new RegExp(`\`${jsonRpcCode}\`[^,]*? as \`${code.name}\``));
      }
    }
    expect(errors).toContain(`anything else as \`${protocol.errors.otherJsonRpcCodes}\``);
  });

  it('says where the frozen copies are, and has a changelog entry for each', () => {
    const versioning = section('## 10. Versioning');
    expect(versioning).toContain('`docs/protocol/<version>.json`');
    const frozen = readdirSync(new URL('../../docs/protocol/', import.meta.url)).filter((name) =>
      name.endsWith('.json'),
    );
    expect(frozen).toContain(`${protocol.protocolVersion}.json`);
    for (const file of frozen) {
      const version = file.slice(0, -'.json'.length);
      expect(versioning).toContain(`\`${file}\``);
      expect(versioning).toContain(`**${version}** — `);
    }
  });
});
