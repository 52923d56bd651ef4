import type { CreateFlag, Driver, DriverCapabilities } from '@berth/driver-protocol';

/** The virtualbox driver. Its machine methods arrive with the issues that fill this package. */
export class VirtualBoxDriver implements Driver {
  readonly name = 'virtualbox';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
