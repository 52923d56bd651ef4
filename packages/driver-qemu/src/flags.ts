import type { CreateFlag } from '@berth/driver-protocol';

/** The accelerators `--qemu-accelerator` takes; `auto` picks one per start (see accelerator.ts). */
export const ACCELERATOR_CHOICES = ['auto', 'kvm', 'hvf', 'tcg'] as const;
export type AcceleratorChoice = (typeof ACCELERATOR_CHOICES)[number];

/** The qemu system emulator for this host's architecture (the guest runs the same one). */
export function defaultQemuBinary(arch: string = process.arch): string {
  return arch === 'arm64' ? 'qemu-system-aarch64' : 'qemu-system-x86_64';
}

/** The user a machine gets, as on docker-machine's local machines (boot2docker's `docker`). */
export const DEFAULT_SSH_USER = 'docker';

/**
 * The qemu driver's create flags. CPU, memory and disk defaults are docker-machine's virtualbox
 * driver's (1 CPU, 1024 MB, 20000 MB), so `create -d qemu` sizes a machine as `-d virtualbox` did.
 */
export const QEMU_FLAGS: CreateFlag[] = [
  {
    name: 'qemu-accelerator',
    type: 'string',
    default: 'auto',
    envVar: 'QEMU_ACCELERATOR',
    description: 'Accelerator: auto, kvm, hvf or tcg (auto: kvm or hvf where available, else tcg, which is slow)',
  },
  {
    name: 'qemu-append',
    type: 'string',
    envVar: 'QEMU_APPEND',
    description: 'Kernel command line for --qemu-kernel',
  },
  {
    name: 'qemu-binary',
    type: 'string',
    default: defaultQemuBinary(),
    envVar: 'QEMU_BINARY',
    description: 'qemu system emulator to run (a name on PATH or a path)',
  },
  { name: 'qemu-cpu-count', type: 'int', default: 1, envVar: 'QEMU_CPU_COUNT', description: 'number of CPUs' },
  {
    name: 'qemu-disk-size',
    type: 'int',
    default: 20000,
    envVar: 'QEMU_DISK_SIZE',
    description: 'Size of disk for host in MB',
  },
  {
    name: 'qemu-engine-port',
    type: 'int',
    default: 0,
    envVar: 'QEMU_ENGINE_PORT',
    description: 'Port on 127.0.0.1 forwarded to the Docker engine (0: a free one, chosen at create)',
  },
  {
    name: 'qemu-image-checksum',
    type: 'string',
    envVar: 'QEMU_IMAGE_CHECKSUM',
    description: 'Checksum of --qemu-image-url: sha256:<hex> or sha512:<hex>',
  },
  {
    name: 'qemu-image-url',
    type: 'string',
    envVar: 'QEMU_IMAGE_URL',
    description: "URL of the base disk image (default: Berth's catalogue image, Debian 12)",
  },
  {
    name: 'qemu-initrd',
    type: 'string',
    envVar: 'QEMU_INITRD',
    description: 'Initial ramdisk for --qemu-kernel',
  },
  {
    name: 'qemu-kernel',
    type: 'string',
    envVar: 'QEMU_KERNEL',
    description: 'Kernel to boot directly, for images without a boot loader',
  },
  {
    name: 'qemu-memory',
    type: 'int',
    default: 1024,
    envVar: 'QEMU_MEMORY',
    description: 'Size of memory for host in MB',
  },
  {
    name: 'qemu-restrict-network',
    type: 'bool',
    envVar: 'QEMU_RESTRICT_NETWORK',
    description: 'Give the machine no network beyond its forwarded ports (no outgoing traffic)',
  },
  {
    name: 'qemu-ssh-port',
    type: 'int',
    default: 0,
    envVar: 'QEMU_SSH_PORT',
    description: 'Port on 127.0.0.1 forwarded to SSH (0: a free one, chosen at create)',
  },
  {
    name: 'qemu-ssh-user',
    type: 'string',
    default: DEFAULT_SSH_USER,
    envVar: 'QEMU_SSH_USER',
    description: 'SSH user the machine is created with',
  },
];
