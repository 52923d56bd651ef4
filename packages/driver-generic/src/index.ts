export { GenericDriver } from './driver.js';
