import type { CreateFlag, DriverCapabilities } from './types.js';

/** What a driver implements; `serve()` exposes it over JSON-RPC. */
export interface Driver {
  readonly name: string;
  readonly version: string;
  capabilities(): DriverCapabilities;
  createFlags(): CreateFlag[];
}
