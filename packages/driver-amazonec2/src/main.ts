import { serve } from '@berth/driver-sdk';
import { AmazonEc2Driver } from './driver.js';

serve(new AmazonEc2Driver());
