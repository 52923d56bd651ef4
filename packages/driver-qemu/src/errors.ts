import { BerthError, InternalError, InvalidFlagError, NotSupportedError, TimeoutError } from '@berth/driver-protocol';
import type { GuestArch } from './qemu-config.js';
import { QmpCommandError, QmpTimeoutError } from './qmp-client.js';

/** Debian's packages holding a qemu system emulator for each guest architecture. */
const SYSTEM_PACKAGE: Record<GuestArch, string> = { amd64: 'qemu-system-x86', arm64: 'qemu-system-arm' };

/** qemu or qemu-img is not installed (or not where --qemu-binary says). */
export function qemuMissing(what: string, arch: GuestArch): NotSupportedError {
  const system = SYSTEM_PACKAGE[arch];
  return new NotSupportedError(`${what}: the qemu driver needs qemu and qemu-img on this host`, {
    actions: [
      `Install ${system} and qemu-utils (Debian/Ubuntu: apt-get install ${system} qemu-utils; macOS: brew install qemu).`,
      'Or point --qemu-binary (QEMU_BINARY) at your qemu system emulator.',
    ],
    data: { flag: 'qemu-binary' },
  });
}

/** A port the machine forwards is in use by another program. */
export function portTaken(port: number, purpose: string, flag: string): InvalidFlagError {
  return new InvalidFlagError(`port ${port} on 127.0.0.1, forwarded to the machine's ${purpose}, is already in use`, {
    actions: [
      `Stop the program listening on 127.0.0.1:${port}, or give another port with --${flag} (0 picks a free one).`,
    ],
    data: { flag, port },
  });
}

/** What a failed QMP exchange means to the user. Berth errors (Cancelled) pass through. */
export function qmpFailure(error: unknown, machine: string, doing: string): BerthError {
  if (error instanceof BerthError) return error;
  if (error instanceof QmpTimeoutError) {
    return new TimeoutError(`qemu of machine "${machine}" does not answer on its QMP socket while ${doing}`, {
      actions: [
        `qemu may be hung: find it with \`pgrep -af 'machines/${machine}/'\` and end it with kill, then retry.`,
      ],
      cause: error,
    });
  }
  const message = error instanceof QmpCommandError || error instanceof Error ? error.message : String(error);
  return new InternalError(`qemu of machine "${machine}" failed while ${doing}: ${message}`, { cause: error });
}
