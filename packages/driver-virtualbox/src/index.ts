export { VirtualBoxDriver } from './driver.js';
