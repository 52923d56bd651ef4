import type { CreateFlag, Driver, DriverCapabilities } from '@berth/driver-protocol';

/** The amazonec2 driver. Its machine methods arrive with the issues that fill this package. */
export class AmazonEc2Driver implements Driver {
  readonly name = 'amazonec2';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
