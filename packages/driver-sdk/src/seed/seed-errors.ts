import { BerthError } from '@berth/driver-protocol';

/**
 * The seed or the ISO image cannot be made from what the caller passed: a file name or volume
 * label ISO 9660 cannot hold, two files with one name, a user name cloud-init would reject. The
 * callers are our drivers, which pass names they chose, so this is a bug, hence `Internal`.
 */
export class SeedImageError extends BerthError {
  override readonly code = 'Internal' as const;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}
