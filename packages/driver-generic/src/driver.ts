import type { CreateFlag, Driver, DriverCapabilities } from '@berth/driver-protocol';

/** The generic driver. Its machine methods arrive with the issues that fill this package. */
export class GenericDriver implements Driver {
  readonly name = 'generic';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: false };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
