import { type BerthContext, type OpenMachine, openMachine, stateOf } from '@berth/core/machine';
import { MachineNotRunningError } from '@berth/driver-protocol';

/**
 * Opens a machine that must be running: a local tool run over its SSH (sshfs, rsync) would report
 * a stopped one only as a failed connection.
 */
export async function openRunningMachine(ctx: BerthContext, name: string, bin: string): Promise<OpenMachine> {
  const machine = await openMachine(ctx, name);
  if ((await stateOf(ctx, machine)) !== 'Running') {
    throw new MachineNotRunningError(`Host "${name}" is not running`, {
      actions: [`Start it first: ${bin} start ${name}`],
      data: { name },
    });
  }
  return machine;
}
