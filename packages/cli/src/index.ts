export type { VersionResult } from './commands/version.js';
