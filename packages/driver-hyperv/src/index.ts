export { HypervDriver } from './driver.js';
