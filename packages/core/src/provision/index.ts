export { ProvisionFailedError, UnsupportedOsError } from '../errors/provision-errors.js';
export { type DaemonConfigInput, DROP_IN_PATH, renderDaemonDropIn } from './daemon-drop-in.js';
export { detectProvisioner, type ProvisionerName } from './detect-provisioner.js';
export { type OsRelease, parseOsRelease } from './os-release.js';
export type { ProvisionContext, ProvisionResult } from './provision-context.js';
export { provisionMachine } from './provision-machine.js';
export { type UpgradeResult, upgradeEngine } from './upgrade-engine.js';
