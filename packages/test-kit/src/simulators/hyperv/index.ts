// The powershell.exe / Hyper-V simulator (test kit only): an executable named powershell.exe that
// answers docker-machine's one-shot scripts and Berth's long-lived session, over a simulated
// Windows host whose VMs are real test-kit guests.
export type { HypervSimCall } from './call-log.js';
export { KVP_PACKAGE } from './hyperv-guests.js';
export {
  type HypervDockerMachineVmSpec,
  type HypervHostSettings,
  HypervSimulator,
  type HypervSimulatorOptions,
  type HypervSimVm,
  startHypervSimulator,
} from './hyperv-simulator.js';
export {
  DEFAULT_FAULTS as DEFAULT_HYPERV_FAULTS,
  DEFAULT_SWITCH_ID,
  DEFAULT_SWITCHES,
  type HypervFaults,
  type HypervPrincipal,
  type HypervVmState,
  type SimSwitch,
  type SwitchType,
  type VhdRecord,
} from './hyperv-world.js';
export { PowerShellSession, type SessionAnswer } from './powershell-session.js';
export { envelopeLine, parseEnvelope, SESSION_PREAMBLE } from './session-mode.js';
export { VHD_FOOTER_SIZE, vhdFooter } from './vhd-files.js';
