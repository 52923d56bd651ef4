import { MachineNotFoundError } from '@berth/core/store';
import { TimeoutError } from '@berth/driver-protocol';
import { Errors } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/error-output.js';
import { errorCode, JsonProgress, progressFormatFromArgv } from '../../../src/progress/index.js';
import { jsonLines, schemaErrors } from '../../support/output-schema.js';

/** A JsonProgress writing into a string, on a clock that ticks a millisecond per line. */
function capture(command: string) {
  let out = '';
  let tick = Date.parse('2026-01-02T03:04:05.000Z');
  const progress = new JsonProgress({ command, write: (text) => (out += text), now: () => new Date(tick++) });
  return { progress, lines: () => jsonLines(out) };
}

describe('--progress json lines', () => {
  it('numbers the steps of each machine from 1, and every line fits the schema', () => {
    const { progress, lines } = capture('start');
    progress.step('Starting "a"...', 'a');
    progress.step('Starting "b"...', 'b');
    progress.step('Machine "a" was started.', 'a');
    progress.info('Started machines may have new IP addresses.');
    const events = lines();
    for (const event of events) expect(schemaErrors('progressEvent', event)).toBe('');
    expect(events).toEqual([
      {
        type: 'step',
        command: 'start',
        machine: 'a',
        step: 1,
        message: 'Starting "a"...',
        time: '2026-01-02T03:04:05.000Z',
      },
      {
        type: 'step',
        command: 'start',
        machine: 'b',
        step: 1,
        message: 'Starting "b"...',
        time: '2026-01-02T03:04:05.001Z',
      },
      {
        type: 'step',
        command: 'start',
        machine: 'a',
        step: 2,
        message: 'Machine "a" was started.',
        time: '2026-01-02T03:04:05.002Z',
      },
      {
        type: 'info',
        command: 'start',
        machine: null,
        message: 'Started machines may have new IP addresses.',
        time: '2026-01-02T03:04:05.003Z',
      },
    ]);
  });

  it('puts lines without a machine under the command’s machine once it is known', () => {
    const { progress, lines } = capture('create');
    progress.step('Creating CA: /store/certs/ca.pem');
    progress.machine = 'web';
    progress.step('Running pre-create checks...');
    expect(
      lines().map((event) => [(event as { machine: unknown }).machine, (event as { step: unknown }).step]),
    ).toEqual([
      [null, 1],
      ['web', 1],
    ]);
  });

  it('gives an error its stable code and what to do, and the schema accepts it', () => {
    const { progress, lines } = capture('create');
    progress.error(new TimeoutError('Machine did not reach Running in 180s', { actions: ['Check the VM.'] }), 'web');
    const [event] = lines();
    expect(schemaErrors('progressEvent', event)).toBe('');
    expect(event).toEqual({
      type: 'error',
      command: 'create',
      machine: 'web',
      code: 'Timeout',
      message: 'Machine did not reach Running in 180s',
      actions: ['Check the VM.'],
      time: '2026-01-02T03:04:05.000Z',
    });
  });

  it('decides the code on the error’s class, never on its words', () => {
    expect(errorCode(new MachineNotFoundError('web'))).toBe('MachineNotFound');
    expect(errorCode(new UsageError('Nonexistent flag: --x', "See 'berth create --help'."))).toBe('UsageError');
    expect(errorCode(new Errors.CLIError('Error: No machine name specified'))).toBe('UsageError');
    expect(errorCode(new Error('MachineNotFound'))).toBe('Internal');
    expect(errorCode('a string')).toBe('Internal');
  });

  it('is refused by the schema with a wrong type or a missing step, so the schema test has teeth', () => {
    const { progress, lines } = capture('rm');
    progress.step('Successfully removed web', 'web');
    const [event] = lines() as [Record<string, unknown>];
    expect(schemaErrors('progressEvent', { ...event, type: 'warning' })).not.toBe('');
    const { step: _step, ...noStep } = event;
    expect(schemaErrors('progressEvent', noStep)).not.toBe('');
    expect(schemaErrors('progressEvent', { ...event, command: 'ls' })).not.toBe('');
  });
});

describe('progressFormatFromArgv', () => {
  it.each([
    [['--progress', 'json', 'web'], 'json'],
    [['--progress=json', 'web'], 'json'],
    [['web', '--progress', 'json'], 'json'],
    [['--progress', 'text', 'web'], 'text'],
    [['web'], 'text'],
    [['--progress', 'yaml'], 'text'],
  ] as const)('%j reads as %s', (argv, format) => {
    expect(progressFormatFromArgv('stop', argv)).toBe(format);
  });
});
