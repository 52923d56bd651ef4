export { HypervDriver, type HypervDriverOptions, START_TIMEOUT_ENV, STOP_TIMEOUT_ENV } from './driver.js';
export { HYPERV_FLAGS } from './flags.js';
