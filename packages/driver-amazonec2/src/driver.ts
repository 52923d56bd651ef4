import { BaseDriver, type CreateFlag, type DriverCapabilities } from '@berth/driver-protocol';

/** The amazonec2 driver. Machine methods not written yet reject with NotSupportedError (BaseDriver). */
export class AmazonEc2Driver extends BaseDriver {
  readonly name = 'amazonec2';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
