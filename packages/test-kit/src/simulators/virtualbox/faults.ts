import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAULTS_FILE } from './sim-config.js';

/** Faults a test turns on through the handle (faults.json in the state dir). */
export interface VirtualBoxFaults {
  /** startvm writes VERR_VMX_NO_VMX lines to VBox.log and fails ("terminated unexpectedly"). */
  vtxMissing: boolean;
  /** The next k invocations answer `error: The object is not ready` (counted down per call). */
  objectNotReady: number;
  /** `hostonlyif create` fails as without the vboxnetadp driver. */
  hostonlyifCreateFails: boolean;
  /** The guest ignores `controlvm acpipowerbutton`: it keeps running. */
  ignoreAcpi: boolean;
  /** Failures print their error on stderr but exit 0, as VBoxManage sometimes does. */
  fatalErrorExitZero: boolean;
  /** `--version` prints the vboxdrv warning before the version (a broken Linux install). */
  kernelModuleMissing: boolean;
}

export const NO_FAULTS: VirtualBoxFaults = {
  vtxMissing: false,
  objectNotReady: 0,
  hostonlyifCreateFails: false,
  ignoreAcpi: false,
  fatalErrorExitZero: false,
  kernelModuleMissing: false,
};

export async function readFaults(stateDir: string): Promise<VirtualBoxFaults> {
  const text = await readFile(join(stateDir, FAULTS_FILE), 'utf8').catch(() => '{}');
  return { ...NO_FAULTS, ...(JSON.parse(text) as Partial<VirtualBoxFaults>) };
}

export async function writeFaults(stateDir: string, faults: VirtualBoxFaults): Promise<void> {
  await writeFile(join(stateDir, FAULTS_FILE), `${JSON.stringify(faults, null, 2)}\n`);
}
