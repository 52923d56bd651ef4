import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FlagValues, LogParams, MachineContext, ProgressParams } from '@berth/driver-protocol';
import { createCallContext, resolveFlagValues } from '@berth/driver-sdk';
import type { HypervSimulator } from '@berth/test-kit';
import { HypervDriver } from '../../src/driver.js';
import { HYPERV_FLAGS } from '../../src/flags.js';

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
export function hypervFlags(given: Record<string, unknown> = {}, env: Record<string, string> = {}): FlagValues {
  return resolveFlagValues(HYPERV_FLAGS, { given, env });
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
  return { context, logs, progress, lines: () => progress.map((line) => line.message) };
}

/** A driver whose PowerShell is the simulator's powershell.exe. */
export function driverOn(sim: HypervSimulator, extraEnv: Record<string, string> = {}): HypervDriver {
  return new HypervDriver({ powershell: { env: { ...process.env, ...sim.env(), ...extraEnv } } });
}

/** A new machine configured from flags, as the host has it before pre-create. */
export async function configuredMachine(
  driver: HypervDriver,
  store: string,
  name: string,
  given: Record<string, unknown> = {},
): Promise<MachineContext> {
  const machine = machineIn(store, name);
  await mkdir(machine.machineDir, { recursive: true });
  const { driverConfig } = await driver.setConfigFromFlags(
    { machine, flags: hypervFlags(given) },
    recordingContext().context,
  );
  return { ...machine, driverConfig };
}

/** The BODY of every session statement the simulator ran since `from`, by its contract name. */
export async function statementsSince(sim: HypervSimulator, from = 0): Promise<string[]> {
  const calls = (await sim.calls()).slice(from);
  return calls.flatMap((call) => (call.kind === 'statement' && call.body !== undefined ? [formName(call.body)] : []));
}

/** Contract §2's name of a BODY (B1...B14), with the VM or switch it names. */
export function formName(body: string): string {
  const forms: Array<[RegExp, string]> = [
    [/^Get-Command -Name 'Hyper-V\\Get-VM'/, 'B1'],
    [/^\$p = \[Security\.Principal/, 'B2'],
    [/^Hyper-V\\Get-VMSwitch \|/, 'B3'],
    [/^Hyper-V\\Get-VM \|/, 'B4'],
    [/^Hyper-V\\Get-VM -Name '([^']*)'/, 'B5'],
    [/^Hyper-V\\Convert-VHD /, 'B6'],
    [/^Hyper-V\\New-VM -Name '([^']*)'/, 'B7'],
    [/^Hyper-V\\Set-VMFirmware /, 'B8'],
    [/^Hyper-V\\Add-VMDvdDrive /, 'B9'],
    [/^Hyper-V\\Set-VMMemory /, 'B10:memory'],
    [/^Hyper-V\\Set-VMProcessor /, 'B10:processor'],
    [/^Hyper-V\\Set-VMNetworkAdapter /, 'B10:mac'],
    [/^Hyper-V\\Set-VMNetworkAdapterVlan /, 'B10:vlan'],
    [/^Hyper-V\\Start-VM /, 'B11'],
    [/^Hyper-V\\Stop-VM -Name '[^']*' -TurnOff$/, 'B13'],
    [/^Hyper-V\\Stop-VM /, 'B12'],
    [/^Hyper-V\\Remove-VM /, 'B14'],
  ];
  for (const [pattern, name] of forms) if (pattern.test(body)) return name;
  return `unknown: ${body}`;
}

/** Distinct powershell.exe processes the simulator saw. */
export async function processCount(sim: HypervSimulator): Promise<number> {
  return new Set((await sim.calls()).map((call) => call.pid)).size;
}
