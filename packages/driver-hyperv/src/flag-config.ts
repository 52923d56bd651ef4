import {
  type FlagValues,
  type ImageRequest,
  InvalidFlagError,
  type MachineContext,
  MissingFlagError,
} from '@berth/driver-protocol';
import { boolFlag, intFlag, stringFlag } from '@berth/driver-sdk';
import { VHD_MAX_SIZE } from './disk/vhd-footer.js';
import { type HypervConfig, readHypervConfig } from './hyperv-config.js';

/** The catalogue image a machine gets unless `--hyperv-image-url` names another. */
export const DEFAULT_IMAGE = 'debian-12';
const CHECKSUM = /^(sha256:[0-9a-fA-F]{64}|sha512:[0-9a-fA-F]{128})$/;
/** Hyper-V's smallest startup memory is 32 MB; a Debian guest needs more than 128. */
const MIN_MEMORY_MB = 128;
const MAX_DISK_MB = VHD_MAX_SIZE / (1024 * 1024);

export interface FlagConfig {
  config: HypervConfig;
  image: ImageRequest;
  /** What was adjusted, for a warning (memory rounded to Hyper-V's 2 MB unit). */
  notes: string[];
}

/** The image architecture: Hyper-V runs guests of the host's. */
export function hostArch(arch: string = process.arch): 'amd64' | 'arm64' {
  return arch === 'arm64' ? 'arm64' : 'amd64';
}

function invalid(flag: string, message: string, actions: string[] = []): InvalidFlagError {
  return new InvalidFlagError(message, { actions, data: { flag } });
}

/** `00:15:5d:01:02:03`, `00-15-5D-01-02-03` or `00155D010203` as Hyper-V's 12 hex digits. */
export function normalizeMac(value: string): string {
  const digits = value.replace(/[:\-.]/g, '').toUpperCase();
  if (!/^[0-9A-F]{12}$/.test(digits)) {
    throw invalid('hyperv-static-macaddress', `--hyperv-static-macaddress "${value}" is not a MAC address`, [
      'Give 12 hex digits, e.g. 00155D012A00 or 00:15:5d:01:2a:00.',
    ]);
  }
  if (Number.parseInt(digits.slice(0, 2), 16) & 1) {
    throw invalid('hyperv-static-macaddress', `--hyperv-static-macaddress "${value}" is a multicast address`, [
      'The first byte must be even (00:15:5D:... is Hyper-V’s own prefix).',
    ]);
  }
  return digits;
}

/** Validates the create flags into the machine's config and the image the host should fetch. */
export function configFromFlags(machine: MachineContext, flags: FlagValues): FlagConfig {
  const notes: string[] = [];
  const atLeast = (flag: string, min: number, unit: string, max = Number.MAX_SAFE_INTEGER) => {
    const value = intFlag(flags, flag);
    if (value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}${unit}` : `from ${min} to ${max}${unit}`;
      throw invalid(flag, `--${flag} must be ${range}, not ${value}`);
    }
    return value;
  };
  const boot2docker = stringFlag(flags, 'hyperv-boot2docker-url').trim();
  if (boot2docker) {
    throw invalid('hyperv-boot2docker-url', "Berth's hyperv driver boots cloud images, not boot2docker ISOs", [
      'Drop --hyperv-boot2docker-url: the machine gets Debian 12 from Berth’s image catalogue.',
      'Or give a qcow2 cloud image with --hyperv-image-url and --hyperv-image-checksum.',
    ]);
  }
  const imageUrl = stringFlag(flags, 'hyperv-image-url').trim();
  const checksum = stringFlag(flags, 'hyperv-image-checksum').trim();
  if (imageUrl && !checksum) {
    throw new MissingFlagError(
      '--hyperv-image-url needs --hyperv-image-checksum: Berth boots no image it cannot verify',
      {
        actions: ['Give the image checksum with --hyperv-image-checksum sha256:<hex> (or sha512:<hex>).'],
        data: { flag: 'hyperv-image-checksum' },
      },
    );
  }
  if (checksum && !imageUrl) {
    throw invalid('hyperv-image-checksum', '--hyperv-image-checksum is given without --hyperv-image-url', [
      'Give the image it belongs to with --hyperv-image-url, or drop the checksum.',
    ]);
  }
  if (checksum && !CHECKSUM.test(checksum)) {
    throw invalid(
      'hyperv-image-checksum',
      '--hyperv-image-checksum must be sha256:<64 hex digits> or sha512:<128 hex digits>',
    );
  }
  if (imageUrl && !URL.canParse(imageUrl)) {
    throw invalid('hyperv-image-url', `--hyperv-image-url "${imageUrl}" is not a URL`);
  }
  let memory = atLeast('hyperv-memory', MIN_MEMORY_MB, ' MB');
  if (memory % 2 !== 0) {
    notes.push(`--hyperv-memory ${memory} rounded up to ${memory + 1} MB: Hyper-V assigns memory in 2 MB units`);
    memory += 1;
  }
  const mac = stringFlag(flags, 'hyperv-static-macaddress').trim();
  const config: HypervConfig = {
    ...readHypervConfig(machine),
    Boot2DockerURL: '',
    VSwitch: stringFlag(flags, 'hyperv-virtual-switch').trim(),
    DiskSize: atLeast('hyperv-disk-size', 1, ' MB', MAX_DISK_MB),
    MemSize: memory,
    CPU: atLeast('hyperv-cpu-count', 1, ''),
    MacAddr: mac ? normalizeMac(mac) : '',
    VLanID: atLeast('hyperv-vlan-id', 0, '', 4094),
    DisableDynamicMemory: boolFlag(flags, 'hyperv-disable-dynamic-memory'),
    ImageURL: imageUrl,
    ImageChecksum: checksum,
  };
  const image: ImageRequest = imageUrl ? { url: imageUrl, checksum } : { name: DEFAULT_IMAGE, arch: hostArch() };
  return { config, image, notes };
}
