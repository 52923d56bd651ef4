export { dockerHostInEffect } from '../docker-context/docker-host-in-effect.js';
export {
  DOCKER_CONTEXT_ERROR_CODES,
  DockerConfigDirUnknownError,
  DockerConfigInvalidError,
  type DockerContextErrorCode,
  DockerContextTakenError,
  DockerContextWriteError,
} from '../errors/docker-context-errors.js';
export { MachineAlreadyInStateError } from '../errors/lifecycle-errors.js';
export {
  SWARM_ERROR_CODES,
  type SwarmErrorCode,
  SwarmInitError,
  SwarmJoinError,
  SwarmLeaveError,
  SwarmManagerUnknownError,
  SwarmManagerUnreachableError,
  SwarmNotManagerError,
} from '../errors/swarm-errors.js';
export { BerthContext, type BerthContextOptions } from './berth-context.js';
export { checkConnection } from './connection-check.js';
export { type CreateMachineRequest, type CreatePhase, createMachine } from './create-machine.js';
export {
  type ContextOverride,
  contextOverrides,
  DOCKER_CONTEXT_PREFIX,
  dockerContextName,
  type UseContextResult,
  useDefaultContext,
  useMachineContext,
} from './docker-context.js';
export { driverCreateFlags } from './driver-create-flags.js';
export { engineTlsFor } from './engine-tls-files.js';
export { inspectMachine } from './inspect-machine.js';
export { changeMachineState, type LifecycleOptions } from './lifecycle.js';
export { machineDockerVersion } from './machine-docker-version.js';
export { ipOf, machineIp } from './machine-ip.js';
export { machineParams } from './machine-params.js';
export { machineState, stateOf } from './machine-state.js';
export { machineUrl, urlOf } from './machine-url.js';
export { type OpenMachine, openMachine } from './open-machine.js';
export { type MachineProbe, probeMachine } from './probe-machine.js';
export { type RemoveOptions, type RemoveOutcome, removeMachineOp } from './remove-machine-op.js';
export { type ReprovisionOptions, reprovisionMachine, reprovisionRecord } from './reprovision-machine.js';
export { knownHostsFile, sshTarget } from './ssh-target.js';
export {
  applySwarmMode,
  planSwarmMode,
  type SwarmModePlan,
  type SwarmModeProgress,
  type SwarmModeRequest,
} from './swarm-mode.js';
export { upgradeMachine } from './upgrade-machine.js';
export { waitForState } from './wait-for-state.js';
