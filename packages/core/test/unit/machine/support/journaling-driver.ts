import {
  type CallContext,
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  type GetStateResult,
  type GetUrlResult,
  InternalError,
  MachineNotRunningError,
  type MachineParams,
  type SetConfigFromFlagsParams,
  TimeoutError,
} from '@berth/driver-protocol';
import { BaseDriver, MachineJournal } from '@berth/driver-sdk';

/**
 * A cloud-like driver for core's tests, served through the real in-process JSON-RPC path: create
 * journals a resource in the machine directory, then fails when `failCreate` is set; remove fails
 * while `failRemove` is set, and otherwise removes what the journal lists into `removed`.
 */
export class JournalingDriver extends BaseDriver {
  readonly name = 'journaling';
  readonly version = '0.0.1';
  failCreate = true;
  failRemove = false;
  /** Resources that exist "remotely", by id. */
  readonly remote = new Set<string>();
  readonly removed: string[] = [];
  private counter = 0;

  capabilities(): DriverCapabilities {
    return { powerControl: false, ssh: false };
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async setConfigFromFlags(params: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    return { driverConfig: { ...params.machine.driverConfig } };
  }

  override async create({ machine }: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    const id = `vm-${++this.counter}`;
    this.remote.add(id);
    await new MachineJournal(machine.machineDir).record('vm', id);
    if (this.failCreate) throw new TimeoutError(`${id} never became active`);
    return { driverConfig: { ...machine.driverConfig, Id: id } };
  }

  override async remove({ machine }: MachineParams): Promise<void> {
    if (this.failRemove) throw new InternalError('the provider answered 503 Service Unavailable');
    const journal = new MachineJournal(machine.machineDir);
    for (const entry of await journal.entries()) {
      this.remote.delete(entry.id);
      this.removed.push(entry.id);
      await journal.forget(entry.kind, entry.id);
    }
  }

  override async getState(): Promise<GetStateResult> {
    return { state: 'Running' };
  }

  override async getUrl(): Promise<GetUrlResult> {
    throw new MachineNotRunningError('Host is not running');
  }
}
