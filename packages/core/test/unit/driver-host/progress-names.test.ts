import type {
  CallContext,
  CreateFlag,
  DriverConfigResult,
  MachineContext,
  MachineParams,
} from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DriverHost, type DriverProgressEvent, REDACTED } from '../../../src/driver-host/index.js';
import { type FixtureDrivers, installFixtureDrivers } from './fixture-drivers.js';

// Progress is `driver/progress` since protocol 1.2; drivers of 1.0 and 1.1 send `$/progress`. The host
// shows both, redacted the same way, so an old driver's lines still reach the user.

let fixtures: FixtureDrivers;
beforeAll(async () => {
  fixtures = await installFixtureDrivers();
});
afterAll(() => fixtures.remove());

let host: DriverHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

function machine(name: string, driverConfig: Record<string, unknown>): { machine: MachineContext } {
  return { machine: { name, storePath: '/tmp/store', machineDir: `/tmp/store/machines/${name}`, driverConfig } };
}

/** A driver on the SDK, served in berth's process: it sends progress as the host's version asks. */
class ReportingDriver extends BaseDriver {
  readonly name = 'reporting';
  readonly version = '0.0.1';

  capabilities() {
    return {};
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async create({ machine }: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    context.progress(`Creating ${machine.name}...`);
    return { driverConfig: machine.driverConfig };
  }
}

describe('progress from a driver', () => {
  it.each(['$/progress', 'driver/progress'])('is shown when a 1.1 driver sends it as %s', async (method) => {
    const progress: DriverProgressEvent[] = [];
    host = new DriverHost({
      env: { ...process.env, BERTH_DRIVERS_PATH: fixtures.dir },
      onProgress: (event) => progress.push(event),
      timeouts: { killGraceMs: 300, shutdownGraceMs: 500 },
    });
    const driver = await host.get('progress');
    expect(driver.description.protocolVersion).toBe('1.1');
    await driver.create(machine('m1', { ProgressMethod: method, Token: 's3cr3t' }));
    expect(progress).toEqual([{ driver: 'progress', machine: 'm1', message: `Creating m1 with ${REDACTED}...` }]);
  });

  it('is not taken from a notification of another name', async () => {
    const progress: DriverProgressEvent[] = [];
    host = new DriverHost({
      env: { ...process.env, BERTH_DRIVERS_PATH: fixtures.dir },
      onProgress: (event) => progress.push(event),
      timeouts: { killGraceMs: 300, shutdownGraceMs: 500 },
    });
    const driver = await host.get('progress');
    await driver.create(machine('m1', { ProgressMethod: 'driver/progres', Token: 's3cr3t' }));
    await driver.create(machine('m2', { ProgressMethod: '$/progress', Token: 's3cr3t' }));
    expect(progress.map((event) => event.machine)).toEqual(['m2']);
  });

  it('is shown from a driver on the SDK served in berth’s process (protocol 1.2 at both ends)', async () => {
    const progress: DriverProgressEvent[] = [];
    host = new DriverHost({
      builtins: { drivers: { reporting: async () => new ReportingDriver() } },
      onProgress: (event) => progress.push(event),
    });
    const driver = await host.get('reporting');
    await driver.create(machine('web', {}));
    expect(progress).toEqual([{ driver: 'reporting', machine: 'web', message: 'Creating web...' }]);
  });
});
