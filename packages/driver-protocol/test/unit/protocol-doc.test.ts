import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/error-codes.js';
import { NOTIFICATIONS, REQUESTS } from '../../src/methods.js';
import { PROTOCOL_VERSION } from '../../src/version.js';

// PROTOCOL.md is what outside authors read: it must say what the code does. These checks compare
// it with the declarations, both ways, so the document cannot drift silently.
const doc = readFileSync(new URL('../../PROTOCOL.md', import.meta.url), 'utf8');
const typesSource = readFileSync(new URL('../../src/types.ts', import.meta.url), 'utf8');

/** The part of the document from `heading` up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = doc.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`PROTOCOL.md has no heading "${heading}"`);
  const level = heading.split(' ')[0] as string;
  const rest = doc.slice(start + heading.length + 1);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** Backticked names in the first column of a markdown table. */
function firstColumnNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const cell = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (!cell) continue;
    for (const match of cell.matchAll(/`([A-Za-z$/]+)`/g)) names.add(match[1] as string);
  }
  return names;
}

describe('PROTOCOL.md', () => {
  it('specifies the version the code speaks', () => {
    expect(doc.split('\n')[0]).toBe(`# Berth driver protocol, version ${PROTOCOL_VERSION}`);
    expect(section('## 10. Versioning')).toContain(`this document specifies **${PROTOCOL_VERSION}**`);
  });

  it('lists every method in its message tables, and no other', () => {
    const declared = [...REQUESTS, ...NOTIFICATIONS].map((message) => message.method).sort();
    expect(declared.length).toBe(20);
    const documented = [...firstColumnNames(section('## 4. Messages'))].filter((name) => name.includes('/')).sort();
    expect(documented).toEqual(declared);
  });

  it('lists every capability of DriverCapabilities, and no other', () => {
    const body = /export interface DriverCapabilities \{([\s\S]*?)\n\}/.exec(typesSource)?.[1] ?? '';
    const declared = [...body.matchAll(/^ {2}([A-Za-z]+)\?:/gm)].map((match) => match[1] as string).sort();
    expect(declared.length).toBeGreaterThan(0);
    const documented = [...firstColumnNames(section('### 3.1 Capabilities'))].sort();
    expect(documented).toEqual(declared);
  });

  it('lists every error code, and no other', () => {
    const documented = [...firstColumnNames(section('### 9.1 Codes'))].sort();
    expect(documented).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
