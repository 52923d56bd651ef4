import type { BerthContext } from './berth-context.js';
import { machineParams } from './machine-params.js';
import { type OpenMachine, openMachine } from './open-machine.js';

/** The Docker URL of an opened machine, as its driver reports it (`url`, `env`, `config`, `version`). */
export async function urlOf(ctx: BerthContext, machine: OpenMachine): Promise<string> {
  return (await machine.driver.getUrl(machineParams(ctx.store, machine.record))).url;
}

/** The Docker URL of machine `name`. */
export async function machineUrl(ctx: BerthContext, name: string): Promise<string> {
  return urlOf(ctx, await openMachine(ctx, name));
}
