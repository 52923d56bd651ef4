import { serve } from '@berth/driver-sdk';
import { GenericDriver } from './driver.js';

serve(new GenericDriver());
