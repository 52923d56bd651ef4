import {
  type CallContext,
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  MachineNotRunningError,
  type MachineParams,
  type MachineState,
  type SetConfigFromFlagsParams,
} from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';

export type PowerAction = 'start' | 'stop' | 'restart' | 'kill';

/**
 * A VM-like driver for core's tests, served through the real in-process JSON-RPC path. `getState`
 * answers from a script, one state per call (the last one repeats); each power action replaces the
 * script with what the machine goes through after it. `remove` is not offered (NotSupported).
 */
export class ScriptedStateDriver extends BaseDriver {
  readonly name = 'scripted';
  readonly version = '0.0.1';
  powerControl = true;
  /** What the next getState calls answer. */
  states: MachineState[] = ['Running'];
  /** The script each action leaves behind. */
  readonly after: Record<PowerAction, MachineState[]> = {
    start: ['Starting', 'Running'],
    stop: ['Stopping', 'Stopped'],
    restart: ['Stopping', 'Starting', 'Running'],
    kill: ['Stopped'],
  };
  /** Requests as they arrived: `getState`, `start`, ... */
  readonly calls: string[] = [];
  /** When each getState arrived (ms since the epoch). */
  readonly stateCallTimes: number[] = [];
  /** getState and getUrl fail with this (a provider error). */
  failure?: Error;
  /** getUrl alone fails with this. */
  urlFailure?: Error;
  /** getState and getUrl never answer; they end only when the host cancels them. */
  hang = false;
  /** Calls whose signal the host aborted. */
  cancelled = 0;
  private starts = 0;

  capabilities(): DriverCapabilities {
    return { powerControl: this.powerControl, ssh: false };
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async setConfigFromFlags(params: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    return { driverConfig: { ...params.machine.driverConfig, IPAddress: '10.0.0.10' } };
  }

  override async create({ machine }: MachineParams): Promise<DriverConfigResult> {
    return { driverConfig: machine.driverConfig };
  }

  override async getState(_params: MachineParams, context: CallContext): Promise<{ state: MachineState }> {
    this.calls.push('getState');
    this.stateCallTimes.push(Date.now());
    await this.answerOrHang(context);
    const state = (this.states.length > 1 ? this.states.shift() : this.states[0]) ?? 'None';
    return { state };
  }

  override async getUrl({ machine }: MachineParams, context: CallContext): Promise<{ url: string }> {
    this.calls.push('getUrl');
    await this.answerOrHang(context);
    if (this.urlFailure) throw this.urlFailure;
    if (this.states[0] !== 'Running') throw new MachineNotRunningError('Host is not running');
    return { url: `tcp://${String(machine.driverConfig.IPAddress)}:2376` };
  }

  override async start(params: MachineParams): Promise<DriverConfigResult> {
    // A VM may come back on another address; the host must store what start returns.
    this.starts += 1;
    return this.act('start', params, { IPAddress: `10.0.0.${10 + this.starts}` });
  }

  override async stop(params: MachineParams): Promise<DriverConfigResult> {
    return this.act('stop', params);
  }

  override async restart(params: MachineParams): Promise<DriverConfigResult> {
    return this.act('restart', params);
  }

  override async kill(params: MachineParams): Promise<DriverConfigResult> {
    return this.act('kill', params);
  }

  private act(action: PowerAction, { machine }: MachineParams, changes = {}): DriverConfigResult {
    this.calls.push(action);
    this.states = [...this.after[action]];
    return { driverConfig: { ...machine.driverConfig, ...changes } };
  }

  private async answerOrHang(context: CallContext): Promise<void> {
    if (this.hang) {
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
      this.cancelled += 1;
      throw context.signal.reason;
    }
    if (this.failure) throw this.failure;
  }
}
