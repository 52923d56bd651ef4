import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Driver } from '@berth/driver-protocol';
import { BerthContext, type CreateMachineRequest, createMachine } from '../../../../src/machine/index.js';
import type { MachineRecord } from '../../../../src/store/load-machine.js';

/** A fresh, empty store directory (the caller removes it). */
export function tempStoreRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'berth-machine-'));
}

/** A BerthContext on the store at `root`, each driver made by its factory and served in process. */
export function openContext(root: string, factories: Record<string, () => Driver>): BerthContext {
  const drivers = Object.fromEntries(Object.entries(factories).map(([name, make]) => [name, async () => make()]));
  return BerthContext.open({ storagePath: root, env: {}, driverHost: { builtins: { drivers } } });
}

/** What a create request holds besides name, driver and flags. */
export type CreateExtras = Partial<Omit<CreateMachineRequest, 'name' | 'driver' | 'driverFlags'>>;

/** `createMachine` through driver `driverName` of the context's host; without `extras`, as a create without options. */
export async function createThrough(
  ctx: BerthContext,
  driverName: string,
  name: string,
  driverFlags: CreateMachineRequest['driverFlags'] = {},
  extras: CreateExtras = {},
): Promise<MachineRecord> {
  const defaults = { engine: {}, swarm: {}, tlsSans: [], progress: () => undefined };
  return createMachine(ctx, { ...defaults, ...extras, name, driverFlags, driverName });
}
