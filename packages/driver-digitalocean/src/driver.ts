import type { CreateFlag, Driver, DriverCapabilities } from '@berth/driver-protocol';

/** The digitalocean driver. Its machine methods arrive with the issues that fill this package. */
export class DigitalOceanDriver implements Driver {
  readonly name = 'digitalocean';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
