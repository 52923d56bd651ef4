import { serve } from '@berth/driver-sdk';
import { HypervDriver } from './driver.js';

serve(new HypervDriver());
