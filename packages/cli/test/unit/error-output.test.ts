import { InvalidFlagError } from '@berth/driver-protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  connectionErrorPrefix,
  ipErrorPrefix,
  stateErrorPrefix,
  UsageError,
  writeError,
} from '../../src/error-output.js';

/** What writeError wrote to stderr, and the status it returned. */
function shown(error: unknown, options: Parameters<typeof writeError>[1]): { stderr: string; status: number } {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const status = writeError(error, options);
  vi.restoreAllMocks();
  return { stderr, status };
}

afterEach(() => vi.restoreAllMocks());

describe('writeError: the one error renderer', () => {
  const invalid = new InvalidFlagError('--digitalocean-size is empty', { actions: ['Pass a size slug.'] });

  it('shows a Berth error with the prefix, then what to do, indented; the stack only in debug mode', () => {
    expect(shown(invalid, { prefix: 'Error creating machine: ', debug: false })).toEqual({
      stderr: 'Error creating machine: --digitalocean-size is empty\n  Pass a size slug.\n',
      status: 1,
    });
    expect(shown(invalid, { debug: true }).stderr).toContain('\n    at ');
  });

  it("shows the message as the command renders it (create's pre-create check quotes it)", () => {
    const quoted = shown(invalid, {
      prefix: 'Error with pre-create check: ',
      message: (e) => `"${e.message}"`,
      debug: false,
    });
    expect(quoted.stderr).toBe('Error with pre-create check: "--digitalocean-size is empty"\n  Pass a size slug.\n');
  });

  it("takes the command's exit status rule for a Berth error", () => {
    expect(shown(invalid, { debug: false, exitCode: () => 3 }).status).toBe(3);
  });

  it('shows a refused command line as Incorrect Usage with its hint, never a stack', () => {
    const usage = new UsageError('flag needs an argument: -s', "\nRun 'berth --help' for the global options.");
    expect(shown(usage, { debug: true })).toEqual({
      stderr: "Incorrect Usage: flag needs an argument: -s\n\nRun 'berth --help' for the global options.\n",
      status: 1,
    });
  });

  it('shows anything else as its message, exit 1', () => {
    expect(shown(new Error('socket hang up'), { debug: false })).toEqual({ stderr: 'socket hang up\n', status: 1 });
  });
});

describe("docker-machine's prefixes for what a driver could not answer", () => {
  it('prefixes driver failures, never failures of the store or the name', () => {
    expect(stateErrorPrefix('dm-vbox', { code: 'NotSupported' })).toBe('error getting state for host dm-vbox: ');
    expect(ipErrorPrefix({ code: 'MachineNotRunning' })).toBe('Error getting IP address: ');
    expect(connectionErrorPrefix('env', { code: 'Internal' })).toBe('Error checking TLS connection: ');
    expect(connectionErrorPrefix('config', { code: 'CertificateError' })).toBe(
      'Error running connection boilerplate: ',
    );
    for (const code of ['MachineNotFound', 'ConfigCorrupt', 'InvalidMachineName', 'StoreLocked', 'Cancelled']) {
      expect([
        stateErrorPrefix('x', { code }),
        ipErrorPrefix({ code }),
        connectionErrorPrefix('env', { code }),
      ]).toEqual(['', '', '']);
    }
  });
});
