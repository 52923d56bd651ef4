import { rm } from 'node:fs/promises';
import { MachineNotFoundError } from '../errors/store-errors.js';
import { machineExists } from './load-machine.js';
import { machineDir, type Store } from './store-layout.js';

/**
 * Deletes `<store>/machines/<name>` and everything in it (whether or not its config is readable).
 * @throws MachineNotFoundError if there is no such machine
 */
export async function removeMachine(store: Store, name: string): Promise<void> {
  if (!(await machineExists(store, name))) throw new MachineNotFoundError(name);
  await rm(machineDir(store, name), { recursive: true, force: true, maxRetries: 3 });
}
