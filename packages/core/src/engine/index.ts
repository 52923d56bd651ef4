export { EngineCertificateError, EngineNotAnsweringError } from '../errors/engine-errors.js';
export { type EngineTls, parseEngineUrl } from './engine-tls.js';
export { type EngineQuery, type EngineVersion, getEngineVersion } from './engine-version.js';
export { waitForEngine } from './wait-for-engine.js';
