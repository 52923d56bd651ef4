import { serve } from '@berth/driver-sdk';
import { NoneDriver } from './driver.js';

serve(new NoneDriver());
