import { serve } from '@berth/driver-protocol';
import { HypervDriver } from './driver.js';

serve(new HypervDriver());
