import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoneDriver } from '@berth/driver-none';
import type { DriverCapabilities } from '@berth/driver-protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../../../src/driver-host/secret-redactor.js';
import {
  BerthContext,
  createMachine,
  driverCreateFlags,
  inspectMachine,
  machineIp,
  machineState,
  machineUrl,
} from '../../../src/machine/index.js';

/** The none driver under another name, declaring its `URL` a secret (as a cloud driver its API token). */
function secretUrlNoneDriver(): NoneDriver {
  const driver = Object.assign(new NoneDriver(), { name: 'secretnone' });
  const capabilities = driver.capabilities.bind(driver);
  driver.capabilities = (): DriverCapabilities => ({ ...capabilities(), secretConfigKeys: ['URL'] });
  return driver;
}

let root: string;
let ctx: BerthContext;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-ops-'));
  ctx = BerthContext.open({
    storagePath: root,
    env: {},
    driverHost: {
      builtins: { drivers: { none: async () => new NoneDriver(), secretnone: async () => secretUrlNoneDriver() } },
    },
  });
});

afterEach(async () => {
  await ctx.dispose();
  await rm(root, { recursive: true, force: true });
});

async function create(name: string, driverName: string, url: string): Promise<void> {
  await createMachine(ctx, {
    name,
    driverName,
    driverFlags: { url },
    engine: {},
    swarm: {},
    tlsSans: [],
    progress: () => undefined,
  });
}

describe('the machine operations the commands call', () => {
  it('answer URL, IP and state through the machine’s driver', async () => {
    await create('web', 'none', 'tcp://10.1.2.3:2376');
    expect(await machineUrl(ctx, 'web')).toBe('tcp://10.1.2.3:2376');
    // The none driver answers the URL's host and port, as docker-machine's did.
    expect(await machineIp(ctx, 'web')).toBe('10.1.2.3:2376');
    expect(await machineState(ctx, 'web')).toBe('Running');
  });

  it('inspect redacts what the driver declares secret with the one marker, and nothing else', async () => {
    await create('plain', 'none', 'tcp://10.1.2.4:2376');
    await create('secret', 'secretnone', 'tcp://10.1.2.5:2376');
    expect((await inspectMachine(ctx, 'plain')).Driver.URL).toBe('tcp://10.1.2.4:2376');
    const secret = await inspectMachine(ctx, 'secret');
    expect(secret.Driver.URL).toBe(REDACTED);
    expect(REDACTED).toBe('<redacted>');
    expect(secret.Driver.MachineName).toBe('secret');
  });

  it('lists a driver’s create flags for help', async () => {
    expect((await driverCreateFlags(ctx, 'none')).map((flag) => flag.name)).toEqual(['url']);
  });
});
