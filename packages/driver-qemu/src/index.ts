export { QemuDriver } from './driver.js';
