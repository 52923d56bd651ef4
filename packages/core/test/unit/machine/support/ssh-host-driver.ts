import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CreateFlag,
  DriverCapabilities,
  DriverConfigResult,
  MachineParams,
  SetConfigFromFlagsParams,
} from '@berth/driver-protocol';
import { BaseDriver, composeDriverConfig } from '@berth/driver-sdk';

/** Where the host the driver "creates" is: an SSH port and an engine port on 127.0.0.1. */
export interface SshHostAddress {
  sshPort: number;
  enginePort: number;
  /** The key the user gave (like `--generic-ssh-key`); create copies it into the machine directory. */
  sshKey: string;
}

/**
 * A generic-like driver for core's tests, served through the real in-process JSON-RPC path: it
 * adopts an existing host reached over SSH as root, stores the keys generic stores, and answers
 * where to SSH to and where the engine is. So create runs every step, provisioning included.
 */
export class SshHostDriver extends BaseDriver {
  readonly name = 'sshhost';
  readonly version = '0.0.1';

  constructor(private readonly host: SshHostAddress) {
    super();
  }

  capabilities(): DriverCapabilities {
    return { powerControl: false, ssh: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }

  override async setConfigFromFlags({ machine }: SetConfigFromFlagsParams): Promise<DriverConfigResult> {
    const base = { IPAddress: '127.0.0.1', SSHUser: 'root', SSHPort: this.host.sshPort };
    const driverConfig = composeDriverConfig(
      machine,
      { ...base, SSHKeyPath: join(machine.machineDir, 'id_rsa') },
      { EnginePort: this.host.enginePort, SSHKey: this.host.sshKey },
    );
    return { driverConfig };
  }

  override async create({ machine }: MachineParams): Promise<DriverConfigResult> {
    await copyFile(this.host.sshKey, join(machine.machineDir, 'id_rsa'));
    return { driverConfig: machine.driverConfig };
  }

  override async remove(): Promise<void> {}

  override async getState() {
    return { state: 'Running' as const };
  }

  override async getUrl() {
    return { url: `tcp://127.0.0.1:${this.host.enginePort}` };
  }

  override async getIp() {
    return { ip: '127.0.0.1' };
  }

  override async getSshHostname() {
    return { hostname: '127.0.0.1' };
  }

  override async getSshPort() {
    return { port: this.host.sshPort };
  }

  override async getSshUsername() {
    return { username: 'root' };
  }

  override async getSshKeyPath({ machine }: MachineParams) {
    return { keyPath: join(machine.machineDir, 'id_rsa') };
  }
}
