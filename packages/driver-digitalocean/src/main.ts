import { serve } from '@berth/driver-sdk';
import { DigitalOceanDriver } from './driver.js';

serve(new DigitalOceanDriver());
