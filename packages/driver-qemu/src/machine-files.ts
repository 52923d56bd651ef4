import { join } from 'node:path';

/** The files the driver keeps in the machine directory (the host deletes the directory itself). */
export const MACHINE_FILES = {
  disk: 'disk.qcow2',
  seed: 'seed.iso',
  qmp: 'qmp.sock',
  console: 'console.log',
  key: 'id_rsa',
} as const;

export interface MachinePaths {
  disk: string;
  seed: string;
  qmp: string;
  console: string;
  key: string;
}

export function machinePaths(machineDir: string): MachinePaths {
  return {
    disk: join(machineDir, MACHINE_FILES.disk),
    seed: join(machineDir, MACHINE_FILES.seed),
    qmp: join(machineDir, MACHINE_FILES.qmp),
    console: join(machineDir, MACHINE_FILES.console),
    key: join(machineDir, MACHINE_FILES.key),
  };
}

/** sockaddr_un holds 108 bytes with the terminating NUL: a longer socket path cannot be bound. */
export const MAX_UNIX_SOCKET_PATH = 107;
