import type { FlagValues, ImageRequest, MachineContext } from '@berth/driver-protocol';
import { boolFlag, intFlag, stringFlag } from '@berth/driver-sdk';
import { VirtualBoxFlagError } from './errors.js';
import { DEFAULT_IMAGE, NIC_TYPES, PROMISC_MODES, UI_TYPES } from './flags.js';
import { boot2DockerIsoPath } from './media/boot2docker.js';
import { readVirtualBoxConfig, SSH_USER, type VirtualBoxConfig } from './virtualbox-config.js';

const CHECKSUM = /^(sha256:[0-9a-fA-F]{64}|sha512:[0-9a-fA-F]{128})$/;

function oneOf(flags: FlagValues, flag: string, choices: readonly string[]): string {
  const value = stringFlag(flags, flag).trim();
  if (!choices.includes(value)) {
    throw new VirtualBoxFlagError(`--${flag} must be one of ${choices.join(', ')}, not "${value}"`, { data: { flag } });
  }
  return value;
}

function atLeastOne(flags: FlagValues, flag: string, unit: string): number {
  const value = intFlag(flags, flag);
  if (value < 1)
    throw new VirtualBoxFlagError(`--${flag} must be at least 1 ${unit}, not ${value}`, { data: { flag } });
  return value;
}

/** Debian's name of this host's architecture (the catalogue's). */
export const hostImageArch = (arch: string = process.arch): string => (arch === 'arm64' ? 'arm64' : 'amd64');

/**
 * The machine's config from its create flags, checked as far as the flags alone allow, and the
 * image the host is to fetch (none for a boot2docker ISO, which the machine boots instead).
 */
export function configFromFlags(
  machine: MachineContext,
  flags: FlagValues,
): { config: VirtualBoxConfig; image: ImageRequest | undefined } {
  const imageUrl = stringFlag(flags, 'virtualbox-image-url').trim();
  const checksum = stringFlag(flags, 'virtualbox-image-checksum').trim();
  const boot2DockerUrl = stringFlag(flags, 'virtualbox-boot2docker-url').trim();
  if (imageUrl && !checksum) {
    throw new VirtualBoxFlagError(
      '--virtualbox-image-url needs --virtualbox-image-checksum: Berth boots no image it cannot verify',
      {
        actions: ['Give the checksum with --virtualbox-image-checksum sha256:<hex> (or sha512:<hex>).'],
        data: { flag: 'virtualbox-image-checksum' },
      },
    );
  }
  if (checksum && !imageUrl) {
    throw new VirtualBoxFlagError('--virtualbox-image-checksum is given without --virtualbox-image-url', {
      actions: ['Give the image it belongs to with --virtualbox-image-url, or drop the checksum.'],
      data: { flag: 'virtualbox-image-checksum' },
    });
  }
  if (checksum && !CHECKSUM.test(checksum)) {
    throw new VirtualBoxFlagError(
      '--virtualbox-image-checksum must be sha256:<64 hex digits> or sha512:<128 hex digits>',
      {
        data: { flag: 'virtualbox-image-checksum' },
      },
    );
  }
  if (imageUrl && !URL.canParse(imageUrl)) {
    throw new VirtualBoxFlagError(`--virtualbox-image-url "${imageUrl}" is not a URL`, {
      data: { flag: 'virtualbox-image-url' },
    });
  }
  if (imageUrl && boot2DockerUrl) {
    throw new VirtualBoxFlagError('--virtualbox-image-url and --virtualbox-boot2docker-url both name what to boot', {
      actions: ['Give one of them: a cloud image (with its checksum) or a boot2docker ISO.'],
      data: { flag: 'virtualbox-boot2docker-url' },
    });
  }
  // Refuses an http(s) URL now, before anything is made.
  boot2DockerIsoPath(boot2DockerUrl);
  const importVm = stringFlag(flags, 'virtualbox-import-boot2docker-vm').trim();
  if (importVm) {
    throw new VirtualBoxFlagError(
      '--virtualbox-import-boot2docker-vm is not supported by Berth (it imported VMs of boot2docker-cli, retired in 2015)',
      { actions: ['Create a new machine instead.'], data: { flag: 'virtualbox-import-boot2docker-vm' } },
    );
  }
  const config: VirtualBoxConfig = {
    ...readVirtualBoxConfig(machine),
    IPAddress: '',
    SSHUser: SSH_USER,
    CPU: intFlag(flags, 'virtualbox-cpu-count'),
    Memory: atLeastOne(flags, 'virtualbox-memory', 'MB'),
    DiskSize: atLeastOne(flags, 'virtualbox-disk-size', 'MB'),
    NatNicType: oneOf(flags, 'virtualbox-nat-nictype', NIC_TYPES),
    Boot2DockerURL: boot2DockerUrl,
    Boot2DockerImportVM: importVm,
    HostDNSResolver: boolFlag(flags, 'virtualbox-host-dns-resolver'),
    HostOnlyCIDR: stringFlag(flags, 'virtualbox-hostonly-cidr').trim(),
    HostOnlyNicType: oneOf(flags, 'virtualbox-hostonly-nictype', NIC_TYPES),
    HostOnlyPromiscMode: oneOf(flags, 'virtualbox-hostonly-nicpromisc', PROMISC_MODES),
    UIType: oneOf(flags, 'virtualbox-ui-type', UI_TYPES),
    HostOnlyNoDHCP: boolFlag(flags, 'virtualbox-hostonly-no-dhcp'),
    NoShare: boolFlag(flags, 'virtualbox-no-share'),
    DNSProxy: !boolFlag(flags, 'virtualbox-no-dns-proxy'),
    NoVTXCheck: boolFlag(flags, 'virtualbox-no-vtx-check'),
    ShareFolder: stringFlag(flags, 'virtualbox-share-folder'),
    ImageURL: imageUrl,
    ImageChecksum: checksum,
    BaseImage: '',
    InstanceID: '',
  };
  const image: ImageRequest | undefined = boot2DockerUrl
    ? undefined
    : imageUrl
      ? { url: imageUrl, checksum }
      : { name: DEFAULT_IMAGE, arch: hostImageArch() };
  return { config, image };
}
