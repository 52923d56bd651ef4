import { serve } from '@berth/driver-protocol';
import { VirtualBoxDriver } from './driver.js';

serve(new VirtualBoxDriver());
