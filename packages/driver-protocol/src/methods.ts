import { ParameterStructures, RequestType } from 'vscode-jsonrpc';
import type { InitializeParams, InitializeResult } from './types.js';

/** Data attached to a JSON-RPC error that carries a BerthError across the wire. */
export interface BerthErrorData {
  code: string;
  actions: string[];
  data: Record<string, unknown>;
}

/**
 * First request of every session: exchanges protocol versions and the driver's description.
 * @since 1.0
 */
export const Initialize = {
  method: 'driver/initialize',
  type: new RequestType<InitializeParams, InitializeResult, BerthErrorData>(
    'driver/initialize',
    ParameterStructures.byName,
  ),
} as const;
