import { BerthError } from '@berth/driver-protocol';

/** `scp` could not copy: a directory without -r, a path that does not exist, an SFTP failure. */
export class CopyError extends BerthError {
  override readonly code = 'CopyFailed' as const;

  constructor(message: string, options: { actions?: string[]; cause?: unknown } = {}) {
    super(message, options);
  }
}
