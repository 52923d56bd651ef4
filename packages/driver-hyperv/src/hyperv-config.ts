import type { DriverConfig, MachineContext } from '@berth/driver-protocol';
import { type BaseDriverConfig, baseDriverConfig, composeDriverConfig, splitBaseConfig } from '@berth/driver-sdk';

/** The user a machine gets, as on docker-machine's Hyper-V machines (boot2docker's `docker`). */
export const DEFAULT_SSH_USER = 'docker';
export const SSH_PORT = 22;

/**
 * The hyperv driver's own keys of the `Driver` object in config.json: docker-machine 0.16's,
 * with its names and meanings (so its machines load and are written back unchanged), then Berth's.
 */
export interface HypervOwnConfig {
  Boot2DockerURL: string;
  /** The switch's name as Hyper-V spells it (after create; before, as the user typed it, or ""). */
  VSwitch: string;
  /** MB. */
  DiskSize: number;
  /** MB. */
  MemSize: number;
  CPU: number;
  /** "" or 12 hex digits. */
  MacAddr: string;
  /** 0: no VLAN. */
  VLanID: number;
  DisableDynamicMemory: boolean;
  // Berth's keys.
  /** The user's image (`--hyperv-image-url`), or "" for the catalogue's Debian 12. */
  ImageURL: string;
  ImageChecksum: string;
  /** The cached image the disk was made from ("" before create, and on docker-machine's machines). */
  BaseImage: string;
  /** cloud-init's instance id, written in the seed. */
  InstanceID: string;
  /** The VM's GUID (VMId), which tells it apart from another VM of the same name. */
  VMId: string;
}

export type HypervConfig = BaseDriverConfig & HypervOwnConfig;

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const int = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;

/** Reads the stored object leniently: missing keys get the flags' defaults. */
export function readHypervConfig(machine: MachineContext): HypervConfig {
  const raw = machine.driverConfig;
  const base = baseDriverConfig(machine);
  return {
    ...base,
    SSHUser: base.SSHUser || DEFAULT_SSH_USER,
    SSHPort: base.SSHPort || SSH_PORT,
    Boot2DockerURL: text(raw.Boot2DockerURL),
    VSwitch: text(raw.VSwitch),
    DiskSize: int(raw.DiskSize, 20000),
    MemSize: int(raw.MemSize, 1024),
    CPU: int(raw.CPU, 1),
    MacAddr: text(raw.MacAddr),
    VLanID: int(raw.VLanID, 0),
    DisableDynamicMemory: raw.DisableDynamicMemory === true,
    ImageURL: text(raw.ImageURL),
    ImageChecksum: text(raw.ImageChecksum),
    BaseImage: text(raw.BaseImage),
    InstanceID: text(raw.InstanceID),
    VMId: text(raw.VMId),
  };
}

/** The complete driver config: base keys, the driver's keys, then unknown keys kept. */
export function writeHypervConfig(machine: MachineContext, config: HypervConfig): DriverConfig {
  const { base, own } = splitBaseConfig(config);
  return composeDriverConfig(machine, base, own);
}
