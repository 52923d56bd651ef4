/**
 * What a failed VBoxManage call means, read from its stderr: VBoxManage tells failures apart only
 * in text (`VBoxManage: error: …` lines with a COM result code), so this is the one place that
 * reads it; the rest of the driver decides on the kind.
 */
export type VBoxFailureKind =
  /** Transient (Windows): `The object is not ready`; the call is retried. */
  | 'object-not-ready'
  /** `Could not find a registered machine named '<n>'`. */
  | 'vm-not-found'
  /** Another object (medium, adapter, DHCP server) does not exist: VBOX_E_OBJECT_NOT_FOUND. */
  | 'object-not-found'
  /** `controlvm` on a VM that is off or saved: `Machine '<n>' is not currently running`. */
  | 'not-running'
  /** The VM is in use by a session (running, or being locked). */
  | 'locked'
  /** `The machine is not mutable (state is Saved)`. */
  | 'not-mutable'
  /** networks.conf refused a host-only address (VirtualBox >= 6.1.28): E_ACCESSDENIED. */
  | 'access-denied'
  | 'other';

const PATTERNS: ReadonlyArray<[VBoxFailureKind, RegExp]> = [
  ['object-not-ready', /error: The object is not ready/],
  ['vm-not-found', /Could not find a registered machine (named|with UUID)/],
  ['not-running', /is not currently running/],
  ['locked', /is already locked (for|by) a session/],
  ['not-mutable', /is not mutable \(state is/],
  ['access-denied', /E_ACCESSDENIED/],
  ['object-not-found', /VBOX_E_OBJECT_NOT_FOUND|Could not find /],
];

/** Marks a line VBoxManage writes about a failure (`VBoxManage: error:`, `VBoxManage.exe: error:`). */
export const ERROR_MARK = 'error:';

export function failureKind(stderr: string): VBoxFailureKind {
  for (const [kind, pattern] of PATTERNS) if (pattern.test(stderr)) return kind;
  return 'other';
}
