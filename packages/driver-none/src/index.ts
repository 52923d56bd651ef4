export { NONE_DRIVER_VERSION, NoneDriver } from './driver.js';
export { NONE_CREATE_FLAGS } from './flags.js';
export { urlHost } from './url-host.js';
