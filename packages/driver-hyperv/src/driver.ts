import type { CreateFlag, DriverCapabilities } from '@berth/driver-protocol';
import { BaseDriver } from '@berth/driver-sdk';

/** The hyperv driver. Machine methods not written yet reject with NotSupportedError (BaseDriver). */
export class HypervDriver extends BaseDriver {
  readonly name = 'hyperv';
  readonly version = '0.1.0';

  capabilities(): DriverCapabilities {
    return { powerControl: true };
  }

  createFlags(): CreateFlag[] {
    return [];
  }
}
