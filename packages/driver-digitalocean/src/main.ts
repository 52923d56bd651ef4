import { serve } from '@berth/driver-protocol';
import { DigitalOceanDriver } from './driver.js';

serve(new DigitalOceanDriver());
