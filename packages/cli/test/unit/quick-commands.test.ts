import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BERTH_VERSION } from '@berth/core';
import { runBerth, runBerthOk } from '@berth/test-kit';
import { describe, expect, it, vi } from 'vitest';
import { answerQuickly, isQuickForm } from '../../src/quick-commands.js';
import { useNoneMachineStore } from './support/none-machine-store.js';

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
    [['status'], true],
    [['status', 'web'], true],
    [['inspect', 'web'], true],
    [['inspect', '-f', '{{.Name}}', 'web'], false],
    [['inspect', '--format', 'json', 'web'], false],
    [['status', '--format', 'json', 'web'], false],
    [['version'], true],
    [['version', 'web'], true],
    [['version', 'web', 'db'], false],
    [['version', '--format', 'json'], false],
    [['rm', 'web'], false],
    [[], false],
  ])('%j → %s', (argv, quick) => {
    expect(isQuickForm(argv)).toBe(quick);
  });
});

describe('the quick path', () => {
  const store = useNoneMachineStore('tcp://127.0.0.1:12381');

  async function quick(argv: string[]): Promise<{ answered: boolean; stdout: string; stderr: string; exit: number }> {
    let stdout = '';
    let stderr = '';
    const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const saved = process.exitCode;
    const savedShell = process.env.SHELL;
    // CI runs without SHELL, and a vitest worker has no shell above it: env needs one to write for.
    process.env.SHELL = '/bin/bash';
    try {
      const answered = await answerQuickly(argv);
      return { answered, stdout, stderr, exit: Number(process.exitCode ?? 0) };
    } finally {
      out.mockRestore();
      err.mockRestore();
      process.exitCode = saved;
      if (savedShell === undefined) delete process.env.SHELL;
      else process.env.SHELL = savedShell;
    }
  }

  it('answers url and ip of a machine with the driver’s values', async () => {
    expect(await quick(['url', 'web'])).toEqual({
      answered: true,
      stdout: 'tcp://127.0.0.1:12381\n',
      stderr: '',
      exit: 0,
    });
    expect(await quick(['ip', 'web'])).toEqual({ answered: true, stdout: '127.0.0.1:12381\n', stderr: '', exit: 0 });
  });

  it('shows Berth’s errors as the commands do (once: the command is not run again), and changes nothing', async () => {
    const before = await readdir(join(store.path, 'machines'));
    const missing = await quick(['url', 'nosuch']);
    expect(missing).toMatchObject({ answered: true, stdout: '', exit: 1 });
    expect(missing.stderr).toMatch(/^Docker machine "nosuch" does not exist\./);
    // No engine answers at the URL: the certificate check fails, with each command's prefix.
    const env = await quick(['env', 'web']);
    expect(env).toMatchObject({ answered: true, stdout: '', exit: 1 });
    expect(env.stderr).toMatch(/^Error checking TLS connection: /);
    const config = await quick(['config', 'web']);
    expect(config.stderr).toMatch(/^Error running connection boilerplate: /);
    expect(await readdir(join(store.path, 'machines'))).toEqual(before);
  });

  it('prints what the full command prints, and errors the way it does', async () => {
    const options = { store: store.path, env: { SHELL: '/bin/bash' } };
    // `-- name` is not a quick form: it runs through oclif.
    expect((await runBerthOk(['url', 'web'], options)).stdout).toBe(
      (await runBerthOk(['url', '--', 'web'], options)).stdout,
    );
    for (const [quickArgs, oclifArgs] of [
      [
        ['url', 'nosuch'],
        ['url', '--', 'nosuch'],
      ],
      [
        ['env', 'web'],
        ['env', '--', 'web'],
      ],
      [
        ['config', 'web'],
        ['config', '--', 'web'],
      ],
      [
        ['status', 'nosuch'],
        ['status', '--', 'nosuch'],
      ],
      [
        ['inspect', 'nosuch'],
        ['inspect', '--', 'nosuch'],
      ],
      // No engine answers at the machine's URL.
      [
        ['version', 'web'],
        ['version', '--', 'web'],
      ],
    ]) {
      const viaQuick = await runBerth(quickArgs as string[], options);
      const viaOclif = await runBerth(oclifArgs as string[], options);
      expect(viaQuick).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/\S/) });
      expect(viaQuick).toMatchObject({ code: viaOclif.code, stderr: viaOclif.stderr });
    }
  });

  it('answers status, inspect and version with what the full command prints', async () => {
    const options = { store: store.path };
    for (const [quickArgs, oclifArgs] of [
      [
        ['status', 'web'],
        ['status', '--', 'web'],
      ],
      [
        ['inspect', 'web'],
        ['inspect', '--', 'web'],
      ],
      [['version'], ['version', '--']],
    ]) {
      const viaQuick = await runBerthOk(quickArgs as string[], options);
      const viaOclif = await runBerthOk(oclifArgs as string[], options);
      expect(viaQuick.stdout).toMatch(/\S/);
      expect(viaQuick.stdout).toBe(viaOclif.stdout);
    }
    expect(await quick(['status', 'web'])).toEqual({ answered: true, stdout: 'Running\n', stderr: '', exit: 0 });
    const inspected = await quick(['inspect', 'web']);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ Name: 'web', DriverName: 'none' });
    expect(await quick(['version'])).toMatchObject({
      answered: true,
      stdout: `berth version ${BERTH_VERSION}\n`,
      exit: 0,
    });
  });
});
