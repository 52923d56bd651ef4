import { BaseDriver, type CreateFlag, type DriverCapabilities } from '@berth/driver-protocol';

/** The digitalocean driver. Machine methods not written yet reject with NotSupportedError (BaseDriver). */
export class DigitalOceanDriver extends BaseDriver {
  readonly name = 'digitalocean';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
