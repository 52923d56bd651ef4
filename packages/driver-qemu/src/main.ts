import { serve } from '@berth/driver-sdk';
import { QemuDriver } from './driver.js';

serve(new QemuDriver());
