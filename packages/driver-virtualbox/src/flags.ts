import type { CreateFlag } from '@berth/driver-protocol';

/**
 * Berth's default host-only network: inside 192.168.56.0/21, the only range VirtualBox >= 6.1.28
 * allows on Linux and macOS without a networks.conf, and clear of VirtualBox's own 192.168.56.1
 * adapter. (Docker Machine's 192.168.99.1/24 is refused there.)
 */
export const DEFAULT_HOSTONLY_CIDR = '192.168.59.1/24';
/** The catalogue image a machine boots unless `--virtualbox-image-url` or a boot2docker ISO is given. */
export const DEFAULT_IMAGE = 'debian-12';
export const UI_TYPES = ['gui', 'sdl', 'headless', 'separate'] as const;
export const PROMISC_MODES = ['deny', 'allow-vms', 'allow-all'] as const;
export const NIC_TYPES = ['Am79C970A', 'Am79C973', '82540EM', '82543GC', '82545EM', 'virtio'] as const;

/**
 * Docker Machine 0.16's virtualbox flags (names, defaults, environment variables and help text as
 * it had them), with Berth's default host-only CIDR, and the image flags qemu has. Listed in name
 * order, as the help shows them.
 */
export const VIRTUALBOX_FLAGS: CreateFlag[] = [
  {
    name: 'virtualbox-boot2docker-url',
    type: 'string',
    envVar: 'VIRTUALBOX_BOOT2DOCKER_URL',
    description:
      'A boot2docker ISO to boot instead of the cloud image: a local path or file:// URL (default: the cloud image)',
  },
  {
    name: 'virtualbox-cpu-count',
    type: 'int',
    default: 1,
    envVar: 'VIRTUALBOX_CPU_COUNT',
    description: 'number of CPUs for the machine (-1 to use the number of CPUs available)',
  },
  {
    name: 'virtualbox-disk-size',
    type: 'int',
    default: 20000,
    envVar: 'VIRTUALBOX_DISK_SIZE',
    description: 'Size of disk for host in MB',
  },
  {
    name: 'virtualbox-host-dns-resolver',
    type: 'bool',
    envVar: 'VIRTUALBOX_HOST_DNS_RESOLVER',
    description: 'Use the host DNS resolver',
  },
  {
    name: 'virtualbox-hostonly-cidr',
    type: 'string',
    default: DEFAULT_HOSTONLY_CIDR,
    envVar: 'VIRTUALBOX_HOSTONLY_CIDR',
    description: 'Specify the Host Only CIDR',
  },
  {
    name: 'virtualbox-hostonly-nicpromisc',
    type: 'string',
    default: 'deny',
    envVar: 'VIRTUALBOX_HOSTONLY_NIC_PROMISC',
    description: 'Specify the Host Only Network Adapter Promiscuous Mode',
  },
  {
    name: 'virtualbox-hostonly-nictype',
    type: 'string',
    default: '82540EM',
    envVar: 'VIRTUALBOX_HOSTONLY_NIC_TYPE',
    description: 'Specify the Host Only Network Adapter Type',
  },
  {
    name: 'virtualbox-hostonly-no-dhcp',
    type: 'bool',
    envVar: 'VIRTUALBOX_HOSTONLY_NO_DHCP',
    description: 'Disable the Host Only DHCP Server',
  },
  {
    name: 'virtualbox-image-checksum',
    type: 'string',
    envVar: 'VIRTUALBOX_IMAGE_CHECKSUM',
    description: 'Checksum of --virtualbox-image-url: sha256:<hex> or sha512:<hex>',
  },
  {
    name: 'virtualbox-image-url',
    type: 'string',
    envVar: 'VIRTUALBOX_IMAGE_URL',
    description: "URL of the cloud image to boot (default: Berth's catalogue image, Debian 12)",
  },
  {
    name: 'virtualbox-import-boot2docker-vm',
    type: 'string',
    envVar: 'VIRTUALBOX_BOOT2DOCKER_IMPORT_VM',
    description: 'The name of a Boot2Docker VM to import',
  },
  {
    name: 'virtualbox-memory',
    type: 'int',
    default: 1024,
    envVar: 'VIRTUALBOX_MEMORY_SIZE',
    description: 'Size of memory for host in MB',
  },
  {
    name: 'virtualbox-nat-nictype',
    type: 'string',
    default: '82540EM',
    envVar: 'VIRTUALBOX_NAT_NICTYPE',
    description: 'Specify the Network Adapter Type',
  },
  {
    name: 'virtualbox-no-dns-proxy',
    type: 'bool',
    envVar: 'VIRTUALBOX_NO_DNS_PROXY',
    description: 'Disable proxying all DNS requests to the host',
  },
  {
    name: 'virtualbox-no-share',
    type: 'bool',
    envVar: 'VIRTUALBOX_NO_SHARE',
    description: 'Disable the mount of your home directory',
  },
  {
    name: 'virtualbox-no-vtx-check',
    type: 'bool',
    envVar: 'VIRTUALBOX_NO_VTX_CHECK',
    description: 'Disable checking for the availability of hardware virtualization before the vm is started',
  },
  {
    name: 'virtualbox-share-folder',
    type: 'string',
    envVar: 'VIRTUALBOX_SHARE_FOLDER',
    description: 'Mount the specified directory instead of the default home location. Format: dir:name',
  },
  {
    name: 'virtualbox-ui-type',
    type: 'string',
    default: 'headless',
    envVar: 'VIRTUALBOX_UI_TYPE',
    description: 'Specify the UI Type: (gui|sdl|headless|separate)',
  },
];
