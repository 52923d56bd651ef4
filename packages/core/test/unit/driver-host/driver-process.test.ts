import { DriverNotFoundError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import { DriverProcess } from '../../../src/driver-host/driver-process.js';

describe('DriverProcess', () => {
  it('reports an executable that vanished before the spawn as DriverNotFound', async () => {
    const missing = '/nonexistent/berth-driver-gone';
    const error = await DriverProcess.start({
      executable: { name: 'gone', path: missing, source: 'PATH', command: missing, args: [] },
      env: {},
      onStderrLine: () => undefined,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DriverNotFoundError);
    expect((error as DriverNotFoundError).message).toBe(
      'Driver "gone" could not be started: /nonexistent/berth-driver-gone: ENOENT',
    );
  });

  it('stops a process that leaves on EOF without killing it', async () => {
    const child = await DriverProcess.start({
      executable: {
        name: 'cat',
        path: process.execPath,
        source: 'PATH',
        command: process.execPath,
        args: ['-e', "process.stdin.resume(); process.stdin.on('end', () => process.exit(7))"],
      },
      env: {},
      onStderrLine: () => undefined,
    });
    expect(await child.stop(5_000)).toEqual({ code: 7, signal: null });
  });
});
