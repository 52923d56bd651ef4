import type { CreateFlag, Driver, DriverCapabilities } from '@berth/driver-protocol';

/** The hyperv driver. Its machine methods arrive with the issues that fill this package. */
export class HypervDriver implements Driver {
  readonly name = 'hyperv';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
