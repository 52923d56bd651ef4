import { serve } from '@berth/driver-sdk';
import { VirtualBoxDriver } from './driver.js';

serve(new VirtualBoxDriver());
