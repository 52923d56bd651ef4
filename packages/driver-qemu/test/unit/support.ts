import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FlagValues, LogParams, MachineContext, ProgressParams } from '@berth/driver-protocol';
import { createCallContext, resolveFlagValues } from '@berth/driver-sdk';
import { QEMU_FLAGS } from '../../src/flags.js';

export const exec = promisify(execFile);

export function machineIn(storePath: string, name: string, driverConfig: Record<string, unknown> = {}): MachineContext {
  return {
    name,
    storePath,
    machineDir: join(storePath, 'machines', name),
    driverConfig: { MachineName: name, ...driverConfig },
  };
}

/** Flag values as the host resolves them: given, then env, then defaults. */
export function qemuFlags(given: Record<string, unknown> = {}, env: Record<string, string> = {}): FlagValues {
  return resolveFlagValues(QEMU_FLAGS, { given, env });
}

/** A call context that records what the driver reports. */
export function recordingContext(signal?: AbortSignal) {
  const logs: LogParams[] = [];
  const progress: ProgressParams[] = [];
  const context = createCallContext({
    machine: 'm',
    ...(signal ? { signal } : {}),
    onLog: (line) => logs.push(line),
    onProgress: (line) => progress.push(line),
  });
  return { context, logs, progress };
}
