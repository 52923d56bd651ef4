export { AmazonEc2Driver } from './driver.js';
