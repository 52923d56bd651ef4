export { DigitalOceanDriver } from './driver.js';
