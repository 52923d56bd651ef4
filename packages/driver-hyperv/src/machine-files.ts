import { join } from 'node:path';

/** The files the driver makes in the machine directory (the host deletes the directory itself). */
export const MACHINE_FILES = {
  /** The image as a fixed VHD, Convert-VHD's source (deleted by it). */
  fixedVhd: 'fixed.vhd',
  /** The machine's disk: a dynamic VHDX. */
  disk: 'disk.vhdx',
  /** The cloud-init NoCloud seed, attached as a DVD. */
  seed: 'seed.iso',
  key: 'id_rsa',
} as const;

export type MachineFile = keyof typeof MACHINE_FILES;

export function machinePath(machineDir: string, file: MachineFile): string {
  return join(machineDir, MACHINE_FILES[file]);
}
