export {
  CREDENTIAL_ERROR_CODES,
  CredentialConfigInvalidError,
  type CredentialErrorCode,
  CredentialHelperFailedError,
  CredentialHelperMissingError,
  CredentialNotFoundError,
} from '../errors/credential-errors.js';
export {
  InvalidMachineNameError,
  MachineAlreadyExistsError,
  MachineConfigError,
  type MachineConfigProblem,
  MachineConfigVersionError,
  MachineNotFoundError,
  StoreLockedError,
  StoreLockLostError,
} from '../errors/store-errors.js';
export { type AtomicFile, writeFileAtomic, writeFilesAtomic } from './atomic-write.js';
export { type ConfigOrigin, type ParsedHostConfig, parseHostConfig, serializeHostConfig } from './config-json.js';
export { OLDEST_MIGRATABLE_VERSION } from './config-migration.js';
export { type Credential, CredentialHelper, type CredentialHelperOptions } from './credential-helper.js';
export { BERTH_CRED_HELPERS_KEY, configuredCredentialHelper } from './docker-credential-config.js';
export { FAILED_CREATE_FILE, type FailedCreate, markCreateFailed, readCreateFailure } from './failed-create.js';
export {
  type AuthOptions,
  CURRENT_CONFIG_VERSION,
  type DriverConfig,
  type EngineOptions,
  type HostConfig,
  type HostOptions,
  type SwarmOptions,
} from './host-config.js';
export {
  LAST_STATE_FILE,
  type LastKnownState,
  readLastKnownState,
  recordLastKnownState,
} from './last-known-state.js';
export {
  listMachineNames,
  listMachines,
  loadMachine,
  type MachineListEntry,
  type MachineLoadError,
  type MachineRecord,
  machineExists,
} from './load-machine.js';
export { assertPathSafeMachineName, isValidMachineName, validateMachineName } from './machine-name.js';
export {
  defaultAuthOptions,
  defaultEngineOptions,
  defaultSwarmOptions,
  type NewHostConfigParams,
  newHostConfig,
} from './new-host-config.js';
export { removeMachine } from './remove-machine.js';
export { CONFIG_FILE_MODE, createMachineDir, STORE_DIR_MODE, saveMachine } from './save-machine.js';
export {
  formatSecretReference,
  machineSecretsPrefix,
  parseSecretReference,
  SECRET_REFERENCE_PREFIX,
  SECRET_SERVER_URL_PREFIX,
  type SecretReference,
  secretReferencesIn,
  secretServerUrl,
} from './secret-references.js';
export { type SecretStorage, SecretVault } from './secret-vault.js';
export { resolveStoragePath, type StoragePathSources } from './storage-path.js';
export {
  CONFIG_BACKUP_FILE,
  CONFIG_FILE,
  machineConfigBackupPath,
  machineConfigPath,
  machineDir,
  machineLockPath,
  resolveStore,
  type Store,
  storeAt,
} from './store-layout.js';
export {
  caLockPath,
  DEFAULT_LOCK_STALE_MS,
  DEFAULT_LOCK_WAIT_MS,
  type StoreLockOptions,
  withCaLock,
  withFileLock,
  withMachineLock,
} from './store-lock.js';
export {
  SWARM_MEMBERSHIP_KEY,
  type SwarmMembership,
  type SwarmRole,
  setSwarmMembership,
  swarmMembershipOf,
} from './swarm-membership.js';
export { updateMachine } from './update-machine.js';
