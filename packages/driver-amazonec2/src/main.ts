import { serve } from '@berth/driver-protocol';
import { AmazonEc2Driver } from './driver.js';

serve(new AmazonEc2Driver());
