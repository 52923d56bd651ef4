import { InvalidMachineNameError } from '../errors/store-errors.js';

// docker-machine's rule for new machine names (create only).
const MACHINE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-.]*$/;

/** Whether `create` accepts `name`. */
export function isValidMachineName(name: string): boolean {
  return MACHINE_NAME.test(name);
}

/** Throws {@link InvalidMachineNameError} unless `create` accepts `name`. */
export function validateMachineName(name: string): void {
  if (!isValidMachineName(name)) throw new InvalidMachineNameError(name);
}

/**
 * Looser check for names of existing machines: any directory name is allowed (a store may hold
 * machines docker-machine itself could not create), but never one that would leave `machines/`.
 */
export function assertPathSafeMachineName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new InvalidMachineNameError(name);
  }
}
