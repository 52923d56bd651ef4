import { serve } from '@berth/driver-protocol';
import { NoneDriver } from './driver.js';

serve(new NoneDriver());
