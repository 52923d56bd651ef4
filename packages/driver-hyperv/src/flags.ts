import type { CreateFlag } from '@berth/driver-protocol';

/**
 * The hyperv driver's create flags: docker-machine 0.16's eight (names, defaults, env vars and help
 * text as `docker-machine create -d hyperv --help` printed them), then Berth's image flags, as the
 * qemu driver has them. `--hyperv-boot2docker-url` is kept so old scripts get a clear answer.
 */
export const HYPERV_FLAGS: CreateFlag[] = [
  {
    name: 'hyperv-boot2docker-url',
    type: 'string',
    envVar: 'HYPERV_BOOT2DOCKER_URL',
    description: 'URL of the boot2docker ISO (not supported: Berth boots a cloud image, see --hyperv-image-url)',
  },
  {
    name: 'hyperv-cpu-count',
    type: 'int',
    default: 1,
    envVar: 'HYPERV_CPU_COUNT',
    description: 'number of CPUs for the machine',
  },
  {
    name: 'hyperv-disable-dynamic-memory',
    type: 'bool',
    envVar: 'HYPERV_DISABLE_DYNAMIC_MEMORY',
    description: 'Disable dynamic memory management setting',
  },
  {
    name: 'hyperv-disk-size',
    type: 'int',
    default: 20000,
    envVar: 'HYPERV_DISK_SIZE',
    description: 'Maximum size of dynamically expanding disk in MB.',
  },
  {
    name: 'hyperv-image-checksum',
    type: 'string',
    envVar: 'HYPERV_IMAGE_CHECKSUM',
    description: 'Checksum of --hyperv-image-url: sha256:<hex> or sha512:<hex>',
  },
  {
    name: 'hyperv-image-url',
    type: 'string',
    envVar: 'HYPERV_IMAGE_URL',
    description: "URL of the qcow2 cloud image (default: Berth's catalogue image, Debian 12)",
  },
  {
    name: 'hyperv-memory',
    type: 'int',
    default: 1024,
    envVar: 'HYPERV_MEMORY',
    description: 'Memory size for host in MB.',
  },
  {
    name: 'hyperv-static-macaddress',
    type: 'string',
    envVar: 'HYPERV_STATIC_MACADDRESS',
    description: "Hyper-V network adapter's static MAC address.",
  },
  {
    name: 'hyperv-virtual-switch',
    type: 'string',
    envVar: 'HYPERV_VIRTUAL_SWITCH',
    description: 'Virtual switch name. Defaults to first found.',
  },
  {
    name: 'hyperv-vlan-id',
    type: 'int',
    default: 0,
    envVar: 'HYPERV_VLAN_ID',
    description: "Hyper-V network adapter's VLAN ID if any",
  },
];
