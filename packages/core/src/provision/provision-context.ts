import type { SshSession } from '@berth/driver-sdk/ssh';
import type { AuthOptions, EngineOptions } from '../store/host-config.js';

/** Everything a provisioner needs; the caller owns the SSH session (one per provisioning run). */
export interface ProvisionContext {
  machineName: string;
  driverName: string;
  ssh: SshSession;
  engine: EngineOptions;
  auth: AuthOptions;
  /** The machine's address as the driver reports it (goes into the server certificate). */
  ip: string;
  /** `tcp://IP:PORT` from the driver. */
  engineUrl: string;
  /** One line per step, in docker-machine's wording. */
  progress: (line: string) => void;
  signal?: AbortSignal;
  /** Print "Provisioning with <os>..." (create does; provision and regenerate-certs do not). */
  announce?: boolean;
}

export interface ProvisionResult {
  provisioner: string;
  engineVersion: string;
  /** The engine was already installed and was adopted rather than installed. */
  adopted: boolean;
}
