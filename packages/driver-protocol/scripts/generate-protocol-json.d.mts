// Types of generate-protocol-json.mjs, for the tests that run it in memory.

/** A JSON Schema (draft-07) fragment. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ProtocolMethod {
  method: string;
  kind: 'request' | 'notification';
  direction: 'hostToDriver' | 'driverToHost';
  readOnly: boolean;
  since: string;
  /** Present (the JSDoc @deprecated text, or true) when the method is deprecated. */
  deprecated?: string | true;
  description: string;
  params: JsonSchema;
  /** Requests only. */
  result?: JsonSchema;
  /** Requests only: the schema of a Berth error's `data`. */
  error?: JsonSchema;
}

export interface ProtocolCapability {
  name: string;
  since: string;
  description: string;
  schema: JsonSchema;
}

export interface ProtocolErrorCode {
  name: string;
  description: string;
  /** The JSON-RPC `error.code` the error travels with (`data.code` carries the name). */
  jsonRpcCode: number;
  /** Plain JSON-RPC error codes a receiver reads as this code. */
  alsoFromJsonRpcCodes?: number[];
}

/** What protocol.json holds. */
export interface ProtocolDescription {
  $schema: string;
  $comment: string;
  protocolVersion: string;
  methods: ProtocolMethod[];
  capabilities: ProtocolCapability[];
  errors: { $comment: string; jsonRpcCode: number; data: JsonSchema; otherJsonRpcCodes: string };
  errorCodes: ProtocolErrorCode[];
  definitions: Record<string, JsonSchema>;
}

export const DEFAULT_SRC_DIR: string;
export const DEFAULT_OUT_FILE: string;
/** The protocol described by the sources in `srcDir` (default: the package's src/). */
export function generateProtocolDescription(srcDir?: string): ProtocolDescription;
/** The text written to protocol.json. */
export function protocolJsonText(description: ProtocolDescription): string;
