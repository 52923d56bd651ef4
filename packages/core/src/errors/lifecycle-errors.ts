import { BerthError } from '@berth/driver-protocol';

/** `start` on a running machine, `stop` on a stopped one (docker-machine's wording). */
export class MachineAlreadyInStateError extends BerthError {
  override readonly code = 'MachineAlreadyInState' as const;

  constructor(name: string, state: string) {
    super(`Machine "${name}" is already ${state.toLowerCase()}.`, { data: { name, state } });
  }
}
