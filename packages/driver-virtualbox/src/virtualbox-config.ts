import type { DriverConfig, MachineContext } from '@berth/driver-protocol';
import { type BaseDriverConfig, baseDriverConfig, composeDriverConfig, splitBaseConfig } from '@berth/driver-sdk';
import { DEFAULT_HOSTONLY_CIDR } from './flags.js';

/** The SSH user of every VirtualBox machine (boot2docker's, and the one Berth's seed makes). */
export const SSH_USER = 'docker';

/**
 * The driver's keys of the `Driver` object, with Docker Machine's names, types and order, so a
 * machine docker-machine made loads and is written back with every field, and docker-machine can
 * still read a machine Berth made. `VBoxManager` and `HostInterfaces` are Docker Machine's
 * internals (stored as `{}`): kept as found.
 */
export interface DockerMachineVirtualBoxKeys {
  VBoxManager: unknown;
  HostInterfaces: unknown;
  CPU: number;
  /** MB. */
  Memory: number;
  /** MB. */
  DiskSize: number;
  NatNicType: string;
  /** A boot2docker ISO (local path or file:// URL); "" for Berth's cloud image (or, on a machine docker-machine made, its cached ISO). */
  Boot2DockerURL: string;
  Boot2DockerImportVM: string;
  HostDNSResolver: boolean;
  HostOnlyCIDR: string;
  HostOnlyNicType: string;
  HostOnlyPromiscMode: string;
  UIType: string;
  HostOnlyNoDHCP: boolean;
  NoShare: boolean;
  /** The inverse of --virtualbox-no-dns-proxy. */
  DNSProxy: boolean;
  NoVTXCheck: boolean;
  ShareFolder: string;
}

/**
 * Berth's own keys, after Docker Machine's: absent on a machine docker-machine made (and then not
 * added), so its config.json stays as it was.
 */
export interface BerthVirtualBoxKeys {
  /** The user's cloud image (`--virtualbox-image-url`); "" for the catalogue's. */
  ImageURL?: string;
  ImageChecksum?: string;
  /** The cached image the disk was cloned from ("" before create). */
  BaseImage?: string;
  /** cloud-init's instance id, written in the seed ("" before create). */
  InstanceID?: string;
}

export type VirtualBoxConfig = BaseDriverConfig & DockerMachineVirtualBoxKeys & BerthVirtualBoxKeys;

const DOCKER_MACHINE_KEYS = [
  'VBoxManager',
  'HostInterfaces',
  'CPU',
  'Memory',
  'DiskSize',
  'NatNicType',
  'Boot2DockerURL',
  'Boot2DockerImportVM',
  'HostDNSResolver',
  'HostOnlyCIDR',
  'HostOnlyNicType',
  'HostOnlyPromiscMode',
  'UIType',
  'HostOnlyNoDHCP',
  'NoShare',
  'DNSProxy',
  'NoVTXCheck',
  'ShareFolder',
] as const satisfies readonly (keyof DockerMachineVirtualBoxKeys)[];

const BERTH_KEYS = [
  'ImageURL',
  'ImageChecksum',
  'BaseImage',
  'InstanceID',
] as const satisfies readonly (keyof BerthVirtualBoxKeys)[];

const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
const int = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads the stored object; a missing key gets the flag's default (Docker Machine's zero value for its internals). */
export function readVirtualBoxConfig(machine: MachineContext): VirtualBoxConfig {
  const raw = machine.driverConfig;
  const config: VirtualBoxConfig = {
    ...baseDriverConfig(machine),
    VBoxManager: raw.VBoxManager ?? {},
    HostInterfaces: raw.HostInterfaces ?? {},
    CPU: int(raw.CPU, 1),
    Memory: int(raw.Memory, 1024),
    DiskSize: int(raw.DiskSize, 20000),
    NatNicType: text(raw.NatNicType, '82540EM'),
    Boot2DockerURL: text(raw.Boot2DockerURL, ''),
    Boot2DockerImportVM: text(raw.Boot2DockerImportVM, ''),
    HostDNSResolver: bool(raw.HostDNSResolver, false),
    HostOnlyCIDR: text(raw.HostOnlyCIDR, DEFAULT_HOSTONLY_CIDR),
    HostOnlyNicType: text(raw.HostOnlyNicType, '82540EM'),
    HostOnlyPromiscMode: text(raw.HostOnlyPromiscMode, 'deny'),
    UIType: text(raw.UIType, 'headless'),
    HostOnlyNoDHCP: bool(raw.HostOnlyNoDHCP, false),
    NoShare: bool(raw.NoShare, false),
    DNSProxy: bool(raw.DNSProxy, true),
    NoVTXCheck: bool(raw.NoVTXCheck, false),
    ShareFolder: text(raw.ShareFolder, ''),
  };
  for (const key of BERTH_KEYS) {
    const value = optionalText(raw[key]);
    if (value !== undefined) config[key] = value;
  }
  return config;
}

/** The complete driver config: base keys, Docker Machine's keys, Berth's (when set), then unknown keys kept. */
export function writeVirtualBoxConfig(machine: MachineContext, config: VirtualBoxConfig): DriverConfig {
  const { base } = splitBaseConfig(config);
  const own: DriverConfig = {};
  for (const key of DOCKER_MACHINE_KEYS) own[key] = config[key];
  for (const key of BERTH_KEYS) if (config[key] !== undefined) own[key] = config[key];
  return composeDriverConfig(machine, base, own);
}
