import type { DriverConfig, MachineContext } from '@berth/driver-protocol';
import { type BaseDriverConfig, baseDriverConfig, composeDriverConfig, splitBaseConfig } from '@berth/driver-sdk';
import type { AcceleratorChoice } from './flags.js';
import { ACCELERATOR_CHOICES, DEFAULT_SSH_USER, defaultQemuBinary } from './flags.js';

/** Guest architecture, in Debian's words (the image catalogue's). */
export type GuestArch = 'amd64' | 'arm64';

/** The qemu driver's own keys of the `Driver` object in config.json, after the base keys. */
export interface QemuOwnConfig {
  CPU: number;
  /** MB. */
  Memory: number;
  /** MB. */
  DiskSize: number;
  Accelerator: AcceleratorChoice;
  QemuBinary: string;
  Arch: GuestArch;
  /** The user's image (`--qemu-image-url`), or "" for the catalogue's Debian 12. */
  ImageURL: string;
  ImageChecksum: string;
  /** The cached base image the disk overlay was made on ("" before create). */
  BaseImage: string;
  Kernel: string;
  Initrd: string;
  Append: string;
  RestrictNetwork: boolean;
  /** Port on 127.0.0.1 forwarded to the same port in the guest, where dockerd listens; chosen at create, kept for the machine's life. */
  EnginePort: number;
  /** cloud-init's instance id, written in the seed ("" before create). */
  InstanceID: string;
}

/** What `machine/*` calls use: base keys and own keys in one object. */
export type QemuConfig = BaseDriverConfig & QemuOwnConfig;

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const int = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;

export function hostArch(arch: string = process.arch): GuestArch {
  return arch === 'arm64' ? 'arm64' : 'amd64';
}

/** Reads the stored object leniently: missing keys get the flags' defaults. */
export function readQemuConfig(machine: MachineContext): QemuConfig {
  const raw = machine.driverConfig;
  const base = baseDriverConfig(machine);
  const accelerator = text(raw.Accelerator, 'auto');
  return {
    ...base,
    IPAddress: base.IPAddress || '127.0.0.1',
    SSHUser: base.SSHUser || DEFAULT_SSH_USER,
    CPU: int(raw.CPU, 1),
    Memory: int(raw.Memory, 1024),
    DiskSize: int(raw.DiskSize, 20000),
    Accelerator: (ACCELERATOR_CHOICES as readonly string[]).includes(accelerator)
      ? (accelerator as AcceleratorChoice)
      : 'auto',
    QemuBinary: text(raw.QemuBinary) || defaultQemuBinary(),
    Arch: raw.Arch === 'arm64' || raw.Arch === 'amd64' ? raw.Arch : hostArch(),
    ImageURL: text(raw.ImageURL),
    ImageChecksum: text(raw.ImageChecksum),
    BaseImage: text(raw.BaseImage),
    Kernel: text(raw.Kernel),
    Initrd: text(raw.Initrd),
    Append: text(raw.Append),
    RestrictNetwork: raw.RestrictNetwork === true,
    EnginePort: int(raw.EnginePort, 0),
    InstanceID: text(raw.InstanceID),
  };
}

/** The complete driver config: base keys, the driver's keys, then unknown keys kept. */
export function writeQemuConfig(machine: MachineContext, config: QemuConfig): DriverConfig {
  const { base, own } = splitBaseConfig(config);
  return composeDriverConfig(machine, base, own);
}
