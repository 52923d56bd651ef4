import type { CreateFlag, Driver, DriverCapabilities } from '@berth/driver-protocol';

/** The none driver. Its machine methods arrive with the issues that fill this package. */
export class NoneDriver implements Driver {
  readonly name = 'none';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: false };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
