import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CallContext,
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  type GetStateResult,
  type GetUrlResult,
  InternalError,
  InvalidFlagError,
  type MachineParams,
  type SetConfigFromFlagsParams,
} from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PassCredentialStore } from '../../../../test-kit/src/credentials/pass-store.js';
import { REDACTED } from '../../../src/driver-host/secret-redactor.js';
import {
  BerthContext,
  changeMachineState,
  createMachine,
  inspectMachine,
  machineState,
  removeMachineOp,
} from '../../../src/machine/index.js';
import { SECRET_NOTICE_FILE } from '../../../src/machine/secret-storage-notice.js';
import { listMachineNames } from '../../../src/store/index.js';

/**
 * A cloud-like driver with an API token (`--token`, stored as `Token`, declared secret), served
 * through the real in-process JSON-RPC path. It records the token every call received, so the
 * tests see that the driver gets the secret while the store holds a reference.
 */
class TokenDriver extends BaseDriver {
  readonly name = 'tokencloud';
  readonly version = '0.0.1';
  readonly seen: string[] = [];
  failCreate = false;
  failPreCreate = false;
  /** What stop answers as the token (a driver may rotate a credential). */
  rotateTo: string | undefined;
  /** Machines stopped since they were made (berth waits for Stopped after a stop). */
  private readonly stopped = new Set<string>();

  capabilities(): DriverCapabilities {
    return { powerControl: true, ssh: false, secretConfigKeys: ['Token'] };
  }

  createFlags(): CreateFlag[] {
    return [{ name: 'token', type: 'string', description: 'API token', secret: true }];
  }

  override async setConfigFromFlags({ machine, flags }: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    const token = flags.token;
    if (typeof token !== 'string' || token === '') throw new InvalidFlagError('--token is required');
    return { driverConfig: { ...machine.driverConfig, Token: token, Region: 'nyc3' } };
  }

  override async preCreateCheck({ machine }: MachineParams): Promise<void> {
    this.see(machine);
    if (this.failPreCreate) throw new InternalError('the region is full');
  }

  override async create({ machine }: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    this.see(machine);
    this.stopped.delete(machine.name);
    if (this.failCreate) throw new InternalError('the provider answered 500');
    return { driverConfig: { ...machine.driverConfig, Id: 'vm-1' } };
  }

  override async stop({ machine }: MachineParams): Promise<DriverConfigResult> {
    this.see(machine);
    this.stopped.add(machine.name);
    return { driverConfig: { ...machine.driverConfig, ...(this.rotateTo ? { Token: this.rotateTo } : {}) } };
  }

  override async remove({ machine }: MachineParams): Promise<void> {
    this.see(machine);
  }

  override async getState({ machine }: MachineParams): Promise<GetStateResult> {
    this.see(machine);
    return { state: this.stopped.has(machine.name) ? 'Stopped' : 'Running' };
  }

  override async getUrl(): Promise<GetUrlResult> {
    return { url: 'tcp://10.9.8.7:2376' };
  }

  private see(machine: MachineParams['machine']): void {
    this.seen.push(String(machine.driverConfig.Token));
  }
}

let pass: PassCredentialStore;
let root: string;
let driver: TokenDriver;
let ctx: BerthContext;
let notices: string[];

beforeAll(async () => {
  pass = await PassCredentialStore.create();
}, 60_000);

afterAll(async () => {
  await pass?.close();
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-secrets-'));
  driver = new TokenDriver();
  notices = [];
  await pass.useAsCredsStore(true);
  ctx = open();
});

afterEach(async () => {
  await ctx.dispose();
  await rm(root, { recursive: true, force: true });
});

/** A fresh command's context: the vault's cache does not carry over. */
function open(): BerthContext {
  return BerthContext.open({
    storagePath: root,
    env: { PATH: process.env.PATH, ...pass.env },
    driverHost: { builtins: { drivers: { tokencloud: async () => driver } } },
  });
}

function token(): string {
  return `tok_${randomBytes(16).toString('hex')}`;
}

async function create(name: string, secret: string, on: BerthContext = ctx): Promise<void> {
  await createMachine(on, {
    name,
    driverName: 'tokencloud',
    driverFlags: { token: secret },
    engine: {},
    swarm: {},
    tlsSans: [],
    progress: () => undefined,
    notice: (line) => notices.push(line),
  });
}

async function storedDriver(name: string): Promise<{ text: string; driver: Record<string, unknown> }> {
  const text = await readFile(join(root, 'machines', name, 'config.json'), 'utf8');
  return { text, driver: (JSON.parse(text) as { Driver: Record<string, unknown> }).Driver };
}

const url = (name: string) => `berth://machines/${name}/Token`;

describe('with a credential helper configured (credsStore: pass)', () => {
  it('keeps the token in the helper only; the driver still gets it; rm erases it', async () => {
    const secret = token();
    await create('web', secret);

    const stored = await storedDriver('web');
    expect(stored.driver.Token).toBe(`berth-credential:pass:${url('web')}`);
    expect(stored.driver.Id).toBe('vm-1');
    expect(stored.text).not.toContain(secret);
    expect(await readFile(join(root, 'machines', 'web', 'config.json.bak'), 'utf8')).not.toContain(secret);
    expect(await pass.list()).toMatchObject({ [url('web')]: 'Token' });
    expect(await pass.secretOf(url('web'))).toBe(secret);
    expect(driver.seen).toEqual([secret, secret]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('docker-credential-pass');
    expect(notices[0]).toContain('docker-machine cannot use');
    expect(notices[0]).not.toContain(secret);

    // Another command reads the token from pass, not from a cache.
    await ctx.dispose();
    ctx = open();
    expect(await machineState(ctx, 'web')).toBe('Running');
    expect(driver.seen.at(-1)).toBe(secret);
    expect((await inspectMachine(ctx, 'web')).Driver.Token).toBe(REDACTED);

    await removeMachineOp(ctx, 'web', { force: false });
    expect(driver.seen.at(-1)).toBe(secret);
    expect(Object.keys(await pass.list())).not.toContain(url('web'));
    expect(await listMachineNames(ctx.store)).toEqual([]);
  });

  it('tells once per store; a second machine gets its own entry', async () => {
    const [first, second] = [token(), token()];
    await create('one', first);
    await create('two', second);
    expect(notices).toHaveLength(1);
    expect(await readFile(join(root, SECRET_NOTICE_FILE), 'utf8')).toBe('helper:pass\n');
    expect(await pass.secretOf(url('one'))).toBe(first);
    expect(await pass.secretOf(url('two'))).toBe(second);
    await removeMachineOp(ctx, 'one', { force: false });
    await removeMachineOp(ctx, 'two', { force: false });
    expect(Object.keys(await pass.list()).filter((key) => key.startsWith('berth://'))).toEqual([]);
  });

  it('stores a token the driver changed under the same reference', async () => {
    await create('rot', token());
    const rotated = token();
    driver.rotateTo = rotated;
    await changeMachineState(ctx, 'rot', 'stop', { progress: () => undefined, stateWait: { pollMs: 10 } });
    const stored = await storedDriver('rot');
    expect(stored.driver.Token).toBe(`berth-credential:pass:${url('rot')}`);
    expect(stored.text).not.toContain(rotated);
    expect(await pass.secretOf(url('rot'))).toBe(rotated);
    await removeMachineOp(ctx, 'rot', { force: false });
  });

  it('leaves nothing in the helper when create fails, before or after the machine was stored', async () => {
    driver.failPreCreate = true;
    await expect(create('early', token())).rejects.toMatchObject({ code: 'Internal' });
    driver.failPreCreate = false;
    driver.failCreate = true;
    await expect(create('late', token())).rejects.toMatchObject({ code: 'Internal' });
    expect(await listMachineNames(ctx.store)).toEqual([]);
    const left = Object.keys(await pass.list());
    expect(left).not.toContain(url('early'));
    expect(left).not.toContain(url('late'));
  });

  it('lets only the create that claimed the name store its token', async () => {
    const [a, b] = [token(), token()];
    const other = open();
    try {
      const results = await Promise.allSettled([create('race', a), create('race', b, other)]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const won = results[0]?.status === 'fulfilled' ? a : b;
      expect(await pass.secretOf(url('race'))).toBe(won);
      await removeMachineOp(ctx, 'race', { force: false });
    } finally {
      await other.dispose();
    }
  });

  it('rm -f of a machine whose config.json is unreadable still erases its entries', async () => {
    await create('broken', token());
    await import('node:fs/promises').then((fs) => fs.writeFile(join(root, 'machines', 'broken', 'config.json'), '{'));
    const outcome = await removeMachineOp(ctx, 'broken', { force: true });
    expect(outcome.secretError).toBeUndefined();
    expect(Object.keys(await pass.list())).not.toContain(url('broken'));
  });

  it('says what to do when the helper no longer has a machine’s token', async () => {
    await create('lost', token());
    expect((await pass.helper('erase', url('lost'))).code).toBe(0);
    await ctx.dispose();
    ctx = open();
    await expect(machineState(ctx, 'lost')).rejects.toMatchObject({
      code: 'CredentialNotFound',
      actions: expect.arrayContaining([expect.stringContaining('docker-credential-pass store')]),
    });
    // rm -f still removes the machine.
    expect((await removeMachineOp(ctx, 'lost', { force: true })).remoteError).toMatchObject({
      code: 'CredentialNotFound',
    });
    expect(await listMachineNames(ctx.store)).toEqual([]);
  });
});

describe('without a credential helper', () => {
  it('stores the token in config.json (0600), as docker-machine did, and says so once per store', async () => {
    await pass.useAsCredsStore(false);
    const [first, second] = [token(), token()];
    await create('clear', first);
    await create('clear2', second);
    const stored = await storedDriver('clear');
    expect(stored.driver.Token).toBe(first);
    expect((await stat(join(root, 'machines', 'clear', 'config.json'))).mode & 0o777).toBe(0o600);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('stored in clear');
    expect(notices[0]).toContain(join(root, 'machines', 'clear', 'config.json'));
    expect(notices[0]).not.toContain(first);
    expect(Object.keys(await pass.list())).not.toContain(url('clear'));

    // A helper configured later: new machines use it (and are told once); old ones stay as they were.
    await pass.useAsCredsStore(true);
    await ctx.dispose();
    ctx = open();
    await changeMachineState(ctx, 'clear', 'stop', { progress: () => undefined, stateWait: { pollMs: 10 } });
    expect((await storedDriver('clear')).driver.Token).toBe(first);
    await create('kept', token());
    expect(notices).toHaveLength(2);
    expect(notices[1]).toContain('docker-credential-pass');
    for (const name of ['clear', 'clear2', 'kept']) await removeMachineOp(ctx, name, { force: false });
    expect(Object.keys(await pass.list())).not.toContain(url('kept'));
  });
});
