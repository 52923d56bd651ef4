import { NoneDriver } from '@berth/driver-none';
import {
  type CallContext,
  CancelledError,
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  DriverTimeoutError,
  type MachineContext,
  type MachineParams,
} from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { DriverHost, type DriverSpawnEvent } from '../../../src/driver-host/index.js';

/** A driver whose `create` runs until its call is cancelled, and records that it saw the cancellation. */
class WaitingDriver extends BaseDriver {
  readonly name = 'waiting';
  readonly version = '0.0.1';
  readonly aborted: string[] = [];

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async create({ machine }: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    context.progress(`Creating ${machine.name}...`);
    return new Promise((_resolve, reject) => {
      context.signal.addEventListener('abort', () => {
        this.aborted.push(machine.name);
        reject(new CancelledError(`creating ${machine.name} was cancelled`));
      });
    });
  }
}

function machine(name: string, driverConfig: Record<string, unknown> = {}): { machine: MachineContext } {
  return { machine: { name, storePath: '/tmp/store', machineDir: `/tmp/store/machines/${name}`, driverConfig } };
}

let host: DriverHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

describe('a driver served in berth’s process', () => {
  it('speaks the same protocol as its executable, without starting a process', async () => {
    const spawns: DriverSpawnEvent[] = [];
    host = new DriverHost({
      builtins: { drivers: { none: async () => new NoneDriver() } },
      onSpawn: (e) => spawns.push(e),
    });
    const none = await host.get('none');
    expect(none.pid).toBe(process.pid);
    expect(spawns).toEqual([]);
    expect(none.description).toMatchObject({ name: 'none', protocolVersion: expect.any(String) });
    const config = { URL: 'tcp://10.1.2.3:2376', IPAddress: '10.1.2.3:2376' };
    expect(await none.getUrl(machine('m1', config))).toEqual({ url: 'tcp://10.1.2.3:2376' });
    expect(await none.getIp(machine('m1', config))).toEqual({ ip: '10.1.2.3:2376' });
    // Served once per host, whatever the number of callers.
    expect(await host.get('none')).toBe(none);
  });

  it('cancels a call through its AbortSignal, and the driver sees it', async () => {
    const driver = new WaitingDriver();
    const progress: string[] = [];
    host = new DriverHost({
      builtins: { drivers: { waiting: async () => driver } },
      onProgress: (event) => progress.push(event.message),
    });
    const waiting = await host.get('waiting');
    const controller = new AbortController();
    const creating = waiting.create(machine('m1'), { signal: controller.signal });
    await expect.poll(() => progress).toEqual(['Creating m1...']);
    controller.abort();
    await expect(creating).rejects.toBeInstanceOf(CancelledError);
    await expect.poll(() => driver.aborted).toEqual(['m1']);
    expect(waiting.alive).toBe(true);
  });

  it('on a timeout, the host drops it and the calls still running in it are aborted', async () => {
    const driver = new WaitingDriver();
    host = new DriverHost({ builtins: { drivers: { waiting: async () => driver } }, timeouts: { killGraceMs: 100 } });
    const waiting = await host.get('waiting');
    const other = waiting.create(machine('m2'), { timeoutMs: 60_000 });
    other.catch(() => undefined);
    await expect(waiting.create(machine('m1'), { timeoutMs: 200 })).rejects.toBeInstanceOf(DriverTimeoutError);
    await expect(other).rejects.toBeInstanceOf(DriverTimeoutError);
    expect(driver.aborted.sort()).toEqual(['m1', 'm2']);
    expect(waiting.alive).toBe(false);
    // The next request gets a fresh driver.
    expect(await host.get('waiting')).not.toBe(waiting);
  });

  it('dispose lets it end, then refuses later requests', async () => {
    host = new DriverHost({ builtins: { drivers: { none: async () => new NoneDriver() } } });
    const none = await host.get('none');
    await host.dispose();
    expect(none.alive).toBe(false);
    await expect(host.get('none')).rejects.toBeInstanceOf(CancelledError);
  });
});
