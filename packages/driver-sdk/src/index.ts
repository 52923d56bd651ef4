export { cancelled, sleep, throwIfCancelled } from './abortable-sleep.js';
export { BaseDriver } from './base-driver.js';
export { type BaseDriverConfig, baseDriverConfig, composeDriverConfig, splitBaseConfig } from './base-driver-config.js';
export { type CallContextOptions, createCallContext } from './call-context.js';
export { boolFlag, intFlag, stringArrayFlag, stringFlag } from './flag-values.js';
export { InFlightCreates } from './in-flight-creates.js';
export { JOURNAL_FILE, type JournalEntry, MachineJournal } from './journal.js';
export { type FlagSources, resolveFlagValues } from './resolve-flag-values.js';
export { serve } from './serve.js';
export { type ServedConnection, serveConnection } from './serve-connection.js';
export {
  createMachineKeyPair,
  generateSshKeyPair,
  type MachineKeyPair,
  type SshKeyPair,
  writeMachineKeyPair,
} from './ssh-key-pair.js';
export { openSshRsaPublicKey } from './ssh-public-key.js';
