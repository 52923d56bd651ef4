import type { BerthContext } from './berth-context.js';
import { machineParams } from './machine-params.js';
import { type OpenMachine, openMachine } from './open-machine.js';

/** The IP address (or host name) of an opened machine, as its driver reports it. */
export async function ipOf(ctx: BerthContext, machine: OpenMachine): Promise<string> {
  return (await machine.driver.getIp(machineParams(ctx.store, machine.record))).ip;
}

/** The IP address of machine `name` (`ip`, `env --no-proxy`). */
export async function machineIp(ctx: BerthContext, name: string): Promise<string> {
  return ipOf(ctx, await openMachine(ctx, name));
}
