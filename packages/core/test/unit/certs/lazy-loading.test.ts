import { describe, expect, it } from 'vitest';
import { here, runNode } from '../store/support/run-node.js';

describe('start-up cost', () => {
  it('importing the store and certs entry points loads neither node-forge nor proper-lockfile', async () => {
    const run = await runNode(here(import.meta.url, './support/loaded-modules-worker.mjs'));
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { before: string[]; afterLock: string[]; afterIssue: string[] };
    expect(report.before.filter((m) => /node-forge|proper-lockfile/.test(m))).toEqual([]);
    // Loaded on first use instead.
    expect(report.afterLock.some((m) => m.includes('proper-lockfile'))).toBe(true);
    expect(report.afterIssue.some((m) => m.includes('node-forge'))).toBe(true);
  }, 30_000);
});
