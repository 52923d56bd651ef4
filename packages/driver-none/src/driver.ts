import {
  type CreateFlag,
  type DriverCapabilities,
  type DriverConfigResult,
  type GetIpResult,
  type GetSshHostnameResult,
  type GetSshKeyPathResult,
  type GetSshPortResult,
  type GetSshUsernameResult,
  type GetStateResult,
  type GetUrlResult,
  InvalidFlagError,
  type MachineContext,
  type MachineParams,
  MissingFlagError,
  NotSupportedError,
  type SetConfigFromFlagsParams,
} from '@berth/driver-protocol';
import { BaseDriver, composeDriverConfig, stringFlag } from '@berth/driver-sdk';
import { NONE_CREATE_FLAGS } from './flags.js';
import { urlHost } from './url-host.js';

/** Version of this driver, sent in `driver/initialize`. */
export const NONE_DRIVER_VERSION = '0.1.0';

function storedUrl(machine: MachineContext): string {
  const url = machine.driverConfig.URL;
  return typeof url === 'string' ? url : '';
}

/**
 * The none driver: registers an existing Docker host by URL. It creates nothing, removes nothing,
 * cannot power the host on or off, and gives no SSH access; the host is always reported Running.
 */
export class NoneDriver extends BaseDriver {
  readonly name = 'none';
  readonly version = NONE_DRIVER_VERSION;

  capabilities(): DriverCapabilities {
    return { powerControl: false, ssh: false, upgrade: false };
  }

  createFlags(): CreateFlag[] {
    return NONE_CREATE_FLAGS;
  }

  override async setConfigFromFlags({ machine, flags }: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    const url = stringFlag(flags, 'url');
    if (url === '') {
      throw new MissingFlagError('--url option is required when no driver is selected', {
        actions: ['Give the Docker URL of the host, e.g. --url tcp://192.168.99.100:2376.'],
        data: { flag: 'url' },
      });
    }
    const host = urlHost(url);
    if (host === undefined) {
      throw new InvalidFlagError(`--url "${url}" is not a URL of the form scheme://host:port`, {
        actions: ['Give the Docker URL of the host, e.g. --url tcp://192.168.99.100:2376.'],
        data: { flag: 'url' },
      });
    }
    // Docker Machine stored host:port as the IP address; `berth ip` prints it that way too.
    return { driverConfig: composeDriverConfig(machine, { IPAddress: host }, { URL: url }) };
  }

  override async create({ machine }: MachineParams): Promise<DriverConfigResult> {
    return { driverConfig: machine.driverConfig };
  }

  override async remove(): Promise<void> {}

  override async getState(): Promise<GetStateResult> {
    return { state: 'Running' };
  }

  override async getUrl({ machine }: MachineParams): Promise<GetUrlResult> {
    return { url: storedUrl(machine) };
  }

  override async getIp({ machine }: MachineParams): Promise<GetIpResult> {
    const ip = machine.driverConfig.IPAddress;
    if (typeof ip !== 'string' || ip === '') {
      throw new NotSupportedError(
        `IP address is not set: the URL "${storedUrl(machine)}" of machine "${machine.name}" names no host`,
        { data: { driver: this.name } },
      );
    }
    return { ip };
  }

  override async start(): Promise<DriverConfigResult> {
    throw this.noPowerControl('started');
  }

  override async stop(): Promise<DriverConfigResult> {
    throw this.noPowerControl('stopped');
  }

  override async restart(): Promise<DriverConfigResult> {
    throw this.noPowerControl('restarted');
  }

  override async kill(): Promise<DriverConfigResult> {
    throw this.noPowerControl('killed');
  }

  override async getSshHostname({ machine }: MachineParams): Promise<GetSshHostnameResult> {
    throw this.noSsh(machine);
  }

  override async getSshPort({ machine }: MachineParams): Promise<GetSshPortResult> {
    throw this.noSsh(machine);
  }

  override async getSshUsername({ machine }: MachineParams): Promise<GetSshUsernameResult> {
    throw this.noSsh(machine);
  }

  override async getSshKeyPath({ machine }: MachineParams): Promise<GetSshKeyPathResult> {
    throw this.noSsh(machine);
  }

  private noPowerControl(done: string): NotSupportedError {
    return new NotSupportedError(`hosts without a driver cannot be ${done}`, {
      actions: ['Start, stop or restart the host by other means; Berth only knows its URL.'],
      data: { driver: this.name },
    });
  }

  private noSsh(machine: MachineContext): NotSupportedError {
    return new NotSupportedError(
      `machine "${machine.name}" uses the none driver, which has no SSH access: Berth only knows its Docker URL ${storedUrl(machine)}`,
      {
        actions: [
          'Use ssh directly, or add the host with the generic driver (berth create -d generic) to manage it over SSH.',
        ],
        data: { driver: this.name },
      },
    );
  }
}
