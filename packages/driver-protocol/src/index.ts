export type { Driver } from './driver.js';
export * from './errors.js';
export * from './methods.js';
export { BERTH_ERROR_CODE, serve } from './serve.js';
export type * from './types.js';
export * from './version.js';
