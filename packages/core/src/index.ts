export { BERTH_VERSION } from './version.js';
