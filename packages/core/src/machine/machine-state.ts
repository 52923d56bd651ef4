import type { MachineState } from '@berth/driver-protocol';
import type { BerthContext } from './berth-context.js';
import { machineParams } from './machine-params.js';
import { type OpenMachine, openMachine } from './open-machine.js';

/** The state of an opened machine, as its driver reports it. */
export async function stateOf(ctx: BerthContext, machine: OpenMachine): Promise<MachineState> {
  return (await machine.driver.getState(machineParams(ctx.store, machine.record))).state;
}

/** The state of machine `name` (`status`). */
export async function machineState(ctx: BerthContext, name: string): Promise<MachineState> {
  return stateOf(ctx, await openMachine(ctx, name));
}
