import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureDrivers, fixturesDir, installFixtureDrivers, waitExited } from './fixture-drivers.js';

// These start a stand-in berth process (using the built dist) that starts a driver and then goes
// away without disposing the host. The driver must not outlive it.

let fixtures: FixtureDrivers;
beforeAll(async () => {
  fixtures = await installFixtureDrivers();
});
afterAll(() => fixtures.remove());

function startBerth(driver: string, exit: 'exit' | 'wait') {
  const child = spawn(process.execPath, [path.join(fixturesDir, 'exit-without-dispose.mjs')], {
    env: { ...process.env, BERTH_DRIVERS_PATH: fixtures.dir, DRIVER: driver, EXIT: exit },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const driverPid = new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      output += text;
      if (output.includes('\n')) resolve(Number(output.trim()));
    });
    child.once('exit', () => reject(new Error(`berth stand-in exited before printing a pid: ${output}`)));
  });
  return { child, driverPid };
}

describe('driver processes do not outlive berth', () => {
  it('kills drivers when berth exits without disposing (even one that ignores EOF and SIGTERM)', async () => {
    const { child, driverPid } = startBerth('hang', 'exit');
    const pid = await driverPid;
    await once(child, 'exit');
    expect(await waitExited(pid, 2_000)).toBe(true);
  });

  it('ends a served driver through stdin EOF when berth is killed outright', async () => {
    const { child, driverPid } = startBerth('none', 'wait');
    const pid = await driverPid;
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await waitExited(pid, 3_000)).toBe(true);
  });
});
