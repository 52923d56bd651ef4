import type {
  CallContext,
  CreateFlag,
  Driver,
  DriverCapabilities,
  DriverConfigResult,
  GetIpResult,
  GetSshHostnameResult,
  GetSshKeyPathResult,
  GetSshPortResult,
  GetSshUsernameResult,
  GetStateResult,
  GetUrlResult,
  InitializeParams,
  InitializeResult,
  MachineParams,
  SetConfigFromFlagsParams,
  ShutdownParams,
} from '@berth/driver-protocol';
import { NotSupportedError, PROTOCOL_VERSION } from '@berth/driver-protocol';

/**
 * A Driver with the protocol chores done: `initialize` answers from `name`, `version`,
 * `capabilities()` and `createFlags()`; `shutdown` and `preCreateCheck` do nothing. Every other
 * method rejects with NotSupportedError (`<name> driver does not support <what>`) until overridden,
 * which is the right answer for operations the driver does not offer.
 */
export abstract class BaseDriver implements Driver {
  abstract readonly name: string;
  abstract readonly version: string;
  abstract capabilities(): DriverCapabilities;
  abstract createFlags(): CreateFlag[];

  async initialize(_params: InitializeParams, _context: CallContext): Promise<InitializeResult> {
    return {
      name: this.name,
      version: this.version,
      protocolVersion: PROTOCOL_VERSION,
      capabilities: this.capabilities(),
      createFlags: this.createFlags(),
    };
  }

  async shutdown(_params: ShutdownParams, _context: CallContext): Promise<void> {}

  async preCreateCheck(_params: MachineParams, _context: CallContext): Promise<void> {}

  /** The error for an operation this driver does not offer, in Docker Machine's wording. */
  protected notSupported(what: string): NotSupportedError {
    return new NotSupportedError(`${this.name} driver does not support ${what}`, { data: { driver: this.name } });
  }

  async setConfigFromFlags(_params: SetConfigFromFlagsParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('create flags');
  }

  async create(_params: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('create');
  }

  async remove(_params: MachineParams, _context: CallContext): Promise<void> {
    throw this.notSupported('remove');
  }

  async start(_params: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('start');
  }

  async stop(_params: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('stop');
  }

  async restart(_params: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('restart');
  }

  async kill(_params: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('kill');
  }

  async upgrade(_params: MachineParams, _context: CallContext): Promise<DriverConfigResult> {
    throw this.notSupported('upgrade');
  }

  async getState(_params: MachineParams, _context: CallContext): Promise<GetStateResult> {
    throw this.notSupported('reading the machine state');
  }

  async getUrl(_params: MachineParams, _context: CallContext): Promise<GetUrlResult> {
    throw this.notSupported('a Docker URL');
  }

  async getIp(_params: MachineParams, _context: CallContext): Promise<GetIpResult> {
    throw this.notSupported('an IP address');
  }

  async getSshHostname(_params: MachineParams, _context: CallContext): Promise<GetSshHostnameResult> {
    throw this.notSupported('SSH');
  }

  async getSshPort(_params: MachineParams, _context: CallContext): Promise<GetSshPortResult> {
    throw this.notSupported('SSH');
  }

  async getSshUsername(_params: MachineParams, _context: CallContext): Promise<GetSshUsernameResult> {
    throw this.notSupported('SSH');
  }

  async getSshKeyPath(_params: MachineParams, _context: CallContext): Promise<GetSshKeyPathResult> {
    throw this.notSupported('SSH');
  }
}
