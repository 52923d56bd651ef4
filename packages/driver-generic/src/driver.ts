import { access, chmod, copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type CallContext,
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
  MachineNotRunningError,
  type MachineParams,
  MissingFlagError,
  type SetConfigFromFlagsParams,
} from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';
import { GENERIC_FLAGS } from './flags.js';
import { type GenericConfig, readGenericConfig, toDriverConfig } from './generic-config.js';
import { knownHostsFor, rebootOverSsh } from './reboot-over-ssh.js';
import { tcpProbe } from './tcp-probe.js';

const STATE_PROBE_MS = 10_000;
const REBOOT_TIMEOUT_MS = 5 * 60_000;

/** Any Linux host reachable over SSH: Berth installs and secures Docker there; power is the user's. */
export class GenericDriver extends BaseDriver {
  readonly name = 'generic';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: false, ssh: true };
  }

  createFlags(): CreateFlag[] {
    return GENERIC_FLAGS;
  }

  override async setConfigFromFlags(params: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    const ip = String(params.flags['generic-ip-address'] ?? '').trim();
    if (!ip) {
      throw new MissingFlagError('generic driver requires the --generic-ip-address option', {
        actions: ['Pass the address of the host: --generic-ip-address 10.0.0.5 (or set GENERIC_IP_ADDRESS).'],
      });
    }
    const config: GenericConfig = {
      IPAddress: ip,
      MachineName: params.machine.name,
      SSHUser: String(params.flags['generic-ssh-user'] ?? 'root') || 'root',
      SSHPort: Number(params.flags['generic-ssh-port'] ?? 22),
      SSHKeyPath: '',
      StorePath: params.machine.storePath,
      SwarmMaster: false,
      SwarmHost: '',
      SwarmDiscovery: '',
      EnginePort: Number(params.flags['generic-engine-port'] ?? 2376),
      SSHKey: String(params.flags['generic-ssh-key'] ?? ''),
    };
    for (const [flag, port] of [
      ['generic-ssh-port', config.SSHPort],
      ['generic-engine-port', config.EnginePort],
    ] as const) {
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new InvalidFlagError(`--${flag} must be a port number from 1 to 65535, not "${port}"`);
      }
    }
    return { driverConfig: toDriverConfig(params.machine, config) };
  }

  override async preCreateCheck(params: MachineParams, context: CallContext): Promise<void> {
    const { SSHKey, IPAddress, SSHPort } = readGenericConfig(params.machine);
    // Docker Machine only found out after minutes of retries; an unreachable host fails here, fast.
    if (!(await tcpProbe(IPAddress, SSHPort, STATE_PROBE_MS, context.signal))) {
      throw new InvalidFlagError(
        `cannot reach ${IPAddress}:${SSHPort} over TCP within ${STATE_PROBE_MS / 1000} s: no SSH server answers there`,
        {
          actions: ['Check --generic-ip-address and --generic-ssh-port, and that the host is up and sshd runs.'],
          data: { ip: IPAddress, port: SSHPort },
        },
      );
    }
    if (SSHKey) {
      try {
        await access(SSHKey);
      } catch {
        throw new InvalidFlagError(`SSH key does not exist: "${SSHKey}"`, {
          actions: ['Pass the path of an existing private key with --generic-ssh-key.'],
          data: { path: SSHKey },
        });
      }
    }
  }

  override async create(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const config = readGenericConfig(params.machine);
    if (!config.SSHKey) {
      context.log('info', 'No SSH key specified. Assuming an existing key at the default location.');
      return { driverConfig: toDriverConfig(params.machine, config) };
    }
    context.progress('Importing SSH key...');
    const target = join(params.machine.machineDir, basename(config.SSHKey));
    await copyFile(config.SSHKey, target);
    await chmod(target, 0o600);
    try {
      await copyFile(`${config.SSHKey}.pub`, `${target}.pub`);
    } catch (error) {
      context.log('warn', `Couldn't copy SSH public key : ${(error as Error).message}`);
    }
    return { driverConfig: toDriverConfig(params.machine, { ...config, SSHKeyPath: target }) };
  }

  override async remove(): Promise<void> {
    // The host is the user's: removing the machine only forgets it.
  }

  override async getState(params: MachineParams, context: CallContext): Promise<GetStateResult> {
    const config = readGenericConfig(params.machine);
    const open = await tcpProbe(config.IPAddress, config.SSHPort, STATE_PROBE_MS, context.signal);
    return { state: open ? 'Running' : 'Stopped' };
  }

  override async getUrl(params: MachineParams, context: CallContext): Promise<GetUrlResult> {
    const config = readGenericConfig(params.machine);
    if ((await this.getState(params, context)).state !== 'Running') {
      throw new MachineNotRunningError('Host is not running', {
        actions: [`Check that ${config.IPAddress} is up and that SSH answers on port ${config.SSHPort}.`],
      });
    }
    const host = config.IPAddress.includes(':') ? `[${config.IPAddress}]` : config.IPAddress;
    return { url: `tcp://${host}:${config.EnginePort}` };
  }

  override async getIp(params: MachineParams): Promise<GetIpResult> {
    return { ip: readGenericConfig(params.machine).IPAddress };
  }

  override async getSshHostname(params: MachineParams): Promise<GetSshHostnameResult> {
    return { hostname: readGenericConfig(params.machine).IPAddress };
  }

  override async getSshPort(params: MachineParams): Promise<GetSshPortResult> {
    return { port: readGenericConfig(params.machine).SSHPort };
  }

  override async getSshUsername(params: MachineParams): Promise<GetSshUsernameResult> {
    return { username: readGenericConfig(params.machine).SSHUser };
  }

  override async getSshKeyPath(params: MachineParams): Promise<GetSshKeyPathResult> {
    return { keyPath: readGenericConfig(params.machine).SSHKeyPath };
  }

  override async restart(params: MachineParams, context: CallContext): Promise<DriverConfigResult> {
    const config = readGenericConfig(params.machine);
    await rebootOverSsh({
      ssh: {
        host: config.IPAddress,
        port: config.SSHPort,
        user: config.SSHUser,
        keyPath: config.SSHKeyPath || undefined,
        knownHostsFile: knownHostsFor(params.machine.machineDir),
      },
      timeoutMs: REBOOT_TIMEOUT_MS,
      signal: context.signal,
      progress: (line) => context.progress(line),
    });
    return { driverConfig: params.machine.driverConfig };
  }
}
