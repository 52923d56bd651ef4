import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { answerQuickly, isQuickForm } from '../../src/quick-commands.js';
import { berthIn, useNoneMachineStore } from './support/none-machine-store.js';

describe('isQuickForm: what is answered before oclif loads', () => {
  it.each([
    [['env'], true],
    [['env', 'web'], true],
    [['config', 'web'], true],
    [['url'], true],
    [['ip', 'web'], true],
    [['ip'], false],
    [['ip', 'web', 'db'], false],
    [['env', '--shell', 'fish', 'web'], false],
    [['env', '-u'], false],
    [['env', 'web', '--help'], false],
    [['config', '--', 'web'], false],
    [['ls'], false],
    [['inspect', 'web'], false],
    [['rm', 'web'], false],
    [[], false],
  ])('%j → %s', (argv, quick) => {
    expect(isQuickForm(argv)).toBe(quick);
  });
});

describe('the quick path', () => {
  const store = useNoneMachineStore('tcp://127.0.0.1:12381');

  async function quick(argv: string[]): Promise<{ answered: boolean; stdout: string }> {
    let stdout = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    try {
      return { answered: await answerQuickly(argv), stdout };
    } finally {
      write.mockRestore();
    }
  }

  it('answers url and ip of a machine with the driver’s values', async () => {
    expect(await quick(['url', 'web'])).toEqual({ answered: true, stdout: 'tcp://127.0.0.1:12381\n' });
    expect(await quick(['ip', 'web'])).toEqual({ answered: true, stdout: '127.0.0.1:12381\n' });
  });

  it('leaves failures to the full command, having printed nothing and changed nothing', async () => {
    const before = await readdir(join(store.path, 'machines'));
    expect(await quick(['url', 'nosuch'])).toEqual({ answered: false, stdout: '' });
    // No engine answers at the URL: the certificate check fails, so env and config go through oclif.
    expect(await quick(['env', 'web'])).toEqual({ answered: false, stdout: '' });
    expect(await quick(['config', 'web'])).toEqual({ answered: false, stdout: '' });
    expect(await readdir(join(store.path, 'machines'))).toEqual(before);
  });

  it('prints what the full command prints, and errors the way it does', async () => {
    const berth = (args: string[]) => berthIn(store.path, args);
    // `url -- web` is not a quick form, so it runs through oclif.
    expect((await berth(['url', 'web'])).stdout).toBe((await berth(['url', '--', 'web'])).stdout);
    await expect(berth(['url', 'nosuch'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Docker machine "nosuch" does not exist.'),
    });
  });
});
