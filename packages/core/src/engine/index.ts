export {
  DockerVersionUnavailableError,
  ENGINE_ERROR_CODES,
  EngineCertificateError,
  type EngineErrorCode,
  EngineNotAnsweringError,
} from '../errors/engine-errors.js';
export { callEngine, type EngineAnswer, type EngineCall, engineErrorMessage } from './engine-request.js';
export { type EngineTls, parseEngineUrl } from './engine-tls.js';
export { type EngineQuery, type EngineVersion, getEngineVersion } from './engine-version.js';
export {
  type EngineRefusal,
  type EngineResult,
  type EngineTarget,
  initSwarm,
  type JoinRequest,
  type JoinTokens,
  joinSwarm,
  SWARM_PORT,
  type SwarmNodeState,
  swarmJoinTokens,
  swarmNodeState,
} from './swarm-api.js';
export { waitForEngine } from './wait-for-engine.js';
