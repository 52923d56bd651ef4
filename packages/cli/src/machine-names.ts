import type { BerthContext } from '@berth/core/one-machine';
import { machineExists } from '@berth/core/one-machine';

export class NoMachineNameError extends Error {
  constructor() {
    super('Error: No machine name(s) specified and no "default" machine exists');
  }
}

/** The names a command acts on: those given, else the machine called `default` if it exists. */
export async function machineNamesOrDefault(ctx: BerthContext, names: readonly string[]): Promise<string[]> {
  if (names.length > 0) return [...names];
  if (await machineExists(ctx.store, 'default')) return ['default'];
  throw new NoMachineNameError();
}
