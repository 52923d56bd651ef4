import {
  BerthError,
  type BerthErrorOptions,
  InternalError,
  InvalidFlagError,
  NotSupportedError,
  TimeoutError,
} from '@berth/driver-protocol';

// One class per kind of failure, each with a code of driver-protocol's table (inherited from the
// protocol class it extends). Callers decide on the class or the code, never on the message.

/** Docker Machine's words, which scripts and users know (outputs-hypervisors fixtures). */
export const VBOXMANAGE_NOT_FOUND =
  'VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path';

/** VirtualBox is not installed, or VBoxManage is not where Berth looks. */
export class VBoxManageNotFoundError extends NotSupportedError {
  constructor(options: BerthErrorOptions = {}) {
    super(VBOXMANAGE_NOT_FOUND, options);
  }
}

/** VBoxManage runs but warns that the vboxdrv kernel module is missing: no VM can start. */
export class VirtualBoxKernelModuleError extends NotSupportedError {}

/** VirtualBox is too old, or its version cannot be read. */
export class VirtualBoxVersionError extends NotSupportedError {}

/** The host has no usable VT-x/AMD-V for VirtualBox (BIOS setting, Hyper-V holding it). */
export class VtxUnavailableError extends NotSupportedError {}

/** A `--virtualbox-*` value Berth cannot use (the flag is in `data.flag`). */
export class VirtualBoxFlagError extends InvalidFlagError {}

/** The host-only CIDR is refused by VirtualBox's networks.conf or collides with a host network. */
export class HostOnlyCidrError extends InvalidFlagError {}

/** VirtualBox's host-only adapters are in a state Berth cannot work with (duplicates, creation failed). */
export class HostOnlyAdapterError extends InternalError {}

/** VirtualBox has no VM of the machine's name. Docker Machine's words: `machine does not exist`. */
export class VmNotFoundError extends InternalError {}

/** VirtualBox already has a VM of the new machine's name (not one of this store's). */
export class VmNameTakenError extends InternalError {}

/** `startvm` failed; the message ends with the last line of VBox.log when there is one. */
export class VmStartError extends InternalError {}

/** The machine's SSH port on 127.0.0.1 is taken by another program, so VirtualBox cannot forward it. */
export class SshPortTakenError extends InternalError {}

/** The machine's private key is not where its config says. */
export class SshKeyMissingError extends InternalError {}

/** Waiting on the guest (SSH, its IP on the host-only network, power-off) took too long. */
export class GuestWaitTimeoutError extends TimeoutError {}

/** Another berth process holds VirtualBox's host-only adapters (see host-only-lock.ts). */
export class StoreLockedError extends BerthError {
  override readonly code = 'StoreLocked' as const;
}
