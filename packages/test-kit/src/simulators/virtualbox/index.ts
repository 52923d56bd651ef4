// The VBoxManage simulator (contract §1, §3): the test handle and the types tests read.
export type { DockerMachineVmSpec } from './docker-machine-vm.js';
export { NO_FAULTS as NO_VIRTUALBOX_FAULTS, type VirtualBoxFaults } from './faults.js';
export type { VmState as SimVmState } from './registry.js';
export type { VBoxPlatform } from './sim-config.js';
export {
  type SimCall,
  type SimHostOnlyAdapter,
  type SimMediumAttachment,
  type SimNatRule,
  type SimNic,
  type SimVm,
  startVirtualBoxSimulator,
  type VirtualBoxSimulator,
  type VirtualBoxSimulatorOptions,
} from './virtualbox-simulator.js';
