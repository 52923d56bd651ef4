export {
  type ContextMeta,
  type ContextTls,
  type ContextToWrite,
  contextId,
  contextMetaDir,
  contextTlsDir,
  DOCKER_ENDPOINT,
  type DockerEndpointMeta,
  type FoundContext,
  findContext,
  removeContext,
  serializeMeta,
  writeContext,
} from './context-store.js';
export { dockerConfigFile, readCurrentContext, setCurrentContext } from './current-context.js';
export { dockerConfigDir } from './docker-config-dir.js';
export { dockerHostInEffect } from './docker-host-in-effect.js';
