import { GoStringer, GoStruct, isGoMap, sortedKeys } from '../values/values.js';

/**
 * Go's encoding/json output for the template value model: compact like json.Marshal, or
 * indented like json.MarshalIndent. Strings are escaped HTML-safe as Go does (`<` becomes
 * `\u003c`), and float64 numbers use Go's notation.
 */
export interface GoJsonOptions {
  /** Indent unit for MarshalIndent style; compact when absent. */
  indent?: string;
  /**
   * Go sorts map keys. Set false to keep the insertion order of plain objects, for data that
   * stands for a Go struct (a config file read back keeps the struct's field order).
   */
  sortMapKeys?: boolean;
}

/**
 * A value Go's encoder rejects: `UnsupportedValue` for NaN and the infinities, `UnsupportedType`
 * for what has no Go counterpart (a function, a symbol). The `json` template function prints
 * nothing instead, as docker-machine did.
 */
export class GoJsonError extends Error {
  readonly code: 'UnsupportedValue' | 'UnsupportedType';

  constructor(code: GoJsonError['code'], message: string) {
    super(message);
    this.name = 'GoJsonError';
    this.code = code;
  }
}

export function encodeGoJson(value: unknown, options: GoJsonOptions = {}): string {
  const sortMapKeys = options.sortMapKeys ?? true;
  const indent = options.indent;

  const encode = (v: unknown, depth: number): string => {
    if (v === undefined || v === null) return 'null';
    if (v instanceof GoStringer) return encode(v.underlying, depth);
    if (v instanceof GoStruct) {
      if (v.isNil) return 'null';
      return members(
        v.fields.map((f) => [f.jsonName ?? f.name, f.value]),
        depth,
      );
    }
    if (Array.isArray(v)) return list(v, depth);
    switch (typeof v) {
      case 'string':
        return encodeGoJsonString(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'number':
        return encodeFloat(v);
    }
    if (isGoMap(v)) {
      // A member set to undefined is absent, as with JSON.stringify (Go has no such value).
      const keys = (sortMapKeys ? sortedKeys(v) : Object.keys(v)).filter((k) => v[k] !== undefined);
      return members(
        keys.map((k) => [k, v[k]]),
        depth,
      );
    }
    throw new GoJsonError('UnsupportedType', `json: unsupported type: ${typeof v}`);
  };

  const list = (items: readonly unknown[], depth: number): string => {
    if (items.length === 0) return '[]';
    const parts = items.map((item) => encode(item, depth + 1));
    return wrap('[', ']', parts, depth);
  };

  const members = (entries: readonly (readonly [string, unknown])[], depth: number): string => {
    if (entries.length === 0) return '{}';
    const separator = indent === undefined ? ':' : ': ';
    const parts = entries.map(([k, item]) => `${encodeGoJsonString(k)}${separator}${encode(item, depth + 1)}`);
    return wrap('{', '}', parts, depth);
  };

  const wrap = (open: string, close: string, parts: string[], depth: number): string => {
    if (indent === undefined) return `${open}${parts.join(',')}${close}`;
    const inner = indent.repeat(depth + 1);
    return `${open}\n${inner}${parts.join(`,\n${inner}`)}\n${indent.repeat(depth)}${close}`;
  };

  return encode(value, 0);
}

/** Go's float64 encoding happens to match JavaScript's number printing, except for -0. */
function encodeFloat(value: number): string {
  if (!Number.isFinite(value)) throw new GoJsonError('UnsupportedValue', `json: unsupported value: ${value}`);
  return Object.is(value, -0) ? '-0' : String(value);
}

export function encodeGoJsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || char === '<' || char === '>' || char === '&')
      out += `\\u00${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\\ufffd';
    else out += char;
  }
  return `${out}"`;
}
