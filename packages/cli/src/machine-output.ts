import type { MachineRecord } from '@berth/core/one-machine';
import { type BerthContext, checkConnection, type OpenMachine, openMachine, urlOf } from '@berth/core/one-machine';
import { machineTlsPaths, renderConfigFlags } from './render/config-flags.js';
import { type EnvSetInput, renderEnvSet } from './render/env-render.js';

/**
 * What `env` and `config` print about one machine, shared by those commands and by the quick
 * path (quick-commands.ts), so both print the same bytes.
 */

/** A machine opened with its Docker URL, the engine's TLS checked there as docker-machine did. */
export interface CheckedMachine extends OpenMachine {
  url: string;
}

/**
 * Opens machine `name`, asks its driver for the Docker URL and checks the engine's certificates
 * there. `beforeUrl` may refuse the machine (throw) before anything is asked of the driver.
 */
export async function openCheckedMachine(
  ctx: BerthContext,
  name: string,
  beforeUrl?: (record: MachineRecord) => void,
): Promise<CheckedMachine> {
  const opened = await openMachine(ctx, name);
  beforeUrl?.(opened.record);
  const url = await urlOf(ctx, opened);
  await checkConnection(opened.record, url);
  return { ...opened, url };
}

/** `env`'s lines for `machine` in `shell`, ending with the hint of how to evaluate them. */
export function machineEnvText(
  machine: CheckedMachine,
  options: { shell: string; programName: string; args: readonly string[]; noProxy?: EnvSetInput['noProxy'] },
): string {
  return renderEnvSet({
    shell: options.shell,
    dockerHost: machine.url,
    certPath: machine.record.dir,
    machineName: machine.record.name,
    programName: options.programName,
    args: options.args,
    ...(options.noProxy ? { noProxy: options.noProxy } : {}),
  });
}

/** `config`'s docker flags for `machine`. */
export function machineConfigText(machine: CheckedMachine): string {
  return renderConfigFlags({ ...machineTlsPaths(machine.record.dir), dockerHost: machine.url });
}
