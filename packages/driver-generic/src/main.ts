import { serve } from '@berth/driver-protocol';
import { GenericDriver } from './driver.js';

serve(new GenericDriver());
