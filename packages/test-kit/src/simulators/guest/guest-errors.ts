/**
 * Errors of the simulated guests. Test infrastructure: the codes are the test kit's own, stable so
 * simulators decide on them (a bad seed becomes the hypervisor's start error) rather than on text.
 */
export type GuestErrorCode = 'E_GUEST_MEDIA' | 'E_GUEST_START' | 'E_GUEST_NETWORK';

export abstract class GuestError extends Error {
  abstract readonly code: GuestErrorCode;
}

/** The boot media cannot configure a guest: not a NoCloud seed, a bad user-data, no b2d tar. */
export class GuestMediaError extends GuestError {
  readonly code = 'E_GUEST_MEDIA';
  override readonly name = 'GuestMediaError';
}

/** Docker refused to create, start or configure the guest container. */
export class GuestStartError extends GuestError {
  readonly code = 'E_GUEST_START';
  override readonly name = 'GuestStartError';
}

/** The docker network standing for an adapter or switch could not be made or joined. */
export class GuestNetworkError extends GuestError {
  readonly code = 'E_GUEST_NETWORK';
  override readonly name = 'GuestNetworkError';
}
