// What berth's quick path (`ip`, `url`, `env`, `config`, `status`, `inspect`, `version`, and the
// early start of other commands) needs, and nothing more. The `machine` and `store` barrels also
// reach create, provisioning and certificates; a bundler places everything a barrel reaches on the
// path of whoever imports it, so importing them here would load that code on every quick command.
export { BerthContext, type BerthContextOptions } from './machine/berth-context.js';
export { checkConnection } from './machine/connection-check.js';
export { engineTlsFor } from './machine/engine-tls-files.js';
export { inspectMachine } from './machine/inspect-machine.js';
export { machineDockerVersion } from './machine/machine-docker-version.js';
export { ipOf, machineIp } from './machine/machine-ip.js';
export { machineState, stateOf } from './machine/machine-state.js';
export { machineUrl, urlOf } from './machine/machine-url.js';
export { type OpenMachine, openMachine } from './machine/open-machine.js';
export {
  listMachines,
  loadMachine,
  type MachineListEntry,
  type MachineRecord,
  machineExists,
} from './store/load-machine.js';
export { BERTH_VERSION } from './version.js';
