import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CreateFlag,
  CreateParams,
  DriverCapabilities,
  DriverConfigResult,
  GetStateResult,
  GetUrlResult,
  MachineParams,
  SetConfigFromFlagsResult,
} from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';
import { type ImageServer, startImageServer } from '@berth/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthContext, createMachine } from '../../../src/machine/index.js';

/** A local driver that asks the host for an image (protocol 1.2) and records what create got. */
class ImageDriver extends BaseDriver {
  readonly name = 'imagey';
  readonly version = '0.0.1';
  image: SetConfigFromFlagsResult['image'];
  readonly created: CreateParams[] = [];

  capabilities(): DriverCapabilities {
    return { powerControl: false, ssh: false };
  }
  createFlags(): CreateFlag[] {
    return [];
  }
  override async setConfigFromFlags(params: MachineParams): Promise<SetConfigFromFlagsResult> {
    return { driverConfig: { ...params.machine.driverConfig }, ...(this.image ? { image: this.image } : {}) };
  }
  override async create(params: CreateParams): Promise<DriverConfigResult> {
    this.created.push(params);
    return { driverConfig: { ...params.machine.driverConfig } };
  }
  override async getState(): Promise<GetStateResult> {
    return { state: 'Running' };
  }
  override async getUrl(): Promise<GetUrlResult> {
    return { url: 'tcp://127.0.0.1:2376' };
  }
}

let root: string;
let ctx: BerthContext;
let driver: ImageDriver;
let server: ImageServer;
const bytes = randomBytes(3 * 1024 * 1024);
const checksum = `sha512:${createHash('sha512').update(bytes).digest('hex')}`;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-machine-image-'));
  server = await startImageServer({ files: { 'disk.qcow2': bytes } });
  driver = new ImageDriver();
  ctx = BerthContext.open({
    storagePath: root,
    env: {},
    driverHost: { builtins: { drivers: { imagey: async () => driver } } },
  });
});

afterEach(async () => {
  await ctx.dispose();
  await server.close();
  await rm(root, { recursive: true, force: true });
});

function create(name: string, extra: { imageMirror?: string } = {}): Promise<unknown> {
  const lines: string[] = [];
  return createMachine(ctx, {
    name,
    driverName: 'imagey',
    driverFlags: {},
    engine: {},
    swarm: {},
    tlsSans: [],
    progress: (line) => lines.push(line),
    ...extra,
  }).then(() => lines);
}

describe('a local driver’s image', () => {
  it('is fetched into <store>/cache before create, which gets the verified file; a second machine fetches nothing', async () => {
    driver.image = { url: 'https://images.invalid/disk.qcow2', checksum };
    const lines = (await create('one', { imageMirror: server.url })) as string[];
    const [params] = driver.created;
    expect(params?.image).toMatchObject({ url: 'https://images.invalid/disk.qcow2', checksum });
    expect(params?.image?.path.startsWith(join(root, 'cache'))).toBe(true);
    expect((await readFile(params?.image?.path as string)).equals(bytes)).toBe(true);
    // Fetched in the pre-create step, as docker-machine fetched boot2docker; lines carry the machine.
    expect(lines.indexOf('Running pre-create checks...')).toBeLessThan(lines.indexOf('Creating machine...'));
    expect(lines.some((line) => line.startsWith('(one) '))).toBe(true);
    const fetched = server.fetches();
    expect(fetched).toBeGreaterThan(0);

    await create('two', { imageMirror: server.url });
    expect(server.fetches()).toBe(fetched);
    expect(driver.created[1]?.image?.path).toBe(params?.image?.path);
  });

  it('of a catalogue name unknown for this architecture is refused before anything is created', async () => {
    driver.image = { name: 'no-such-image' };
    const error = await create('three').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'InvalidFlag', data: { createPhase: 'pre-create', image: 'no-such-image' } });
    expect(driver.created).toEqual([]);
    expect(server.fetches()).toBe(0);
  });

  it('that does not verify fails the create in the pre-create step and creates nothing', async () => {
    driver.image = { url: 'https://images.invalid/disk.qcow2', checksum: `sha512:${'0'.repeat(128)}` };
    const error = await create('four', { imageMirror: server.url }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ImageChecksumMismatch', data: { createPhase: 'pre-create' } });
    expect(driver.created).toEqual([]);
  });
});
