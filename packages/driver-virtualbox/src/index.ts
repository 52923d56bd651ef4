export { BOOT_TIMEOUT_ENV, STOP_TIMEOUT_ENV, VirtualBoxDriver, type VirtualBoxDriverOptions } from './driver.js';
export { DEFAULT_HOSTONLY_CIDR, VIRTUALBOX_FLAGS } from './flags.js';
export { NETWORKS_CONF_ENV } from './network/allowed-ranges.js';
