import { formatArg } from '../fmt/format-arg.js';
import { sprint, sprintf, sprintln } from '../fmt/printf.js';
import { encodeGoJson } from '../json/encode.js';
import { GoStringer, GoStruct, goTypeName, isGoMap, isTruthy } from '../values/values.js';

/**
 * A function callable from a template. The evaluator checks the argument count and turns
 * whatever the call throws into a TemplateExecError, Go's `error calling NAME: REASON`.
 */
export interface TemplateFunction {
  /** The exact number of arguments, or the minimum when `variadic`. */
  readonly arity: number;
  readonly variadic?: boolean;
  call(args: unknown[]): unknown;
}

/**
 * A template function's refusal of its arguments, Go's returned `error`. The evaluator always
 * catches it and reports it as a TemplateExecError; it never leaves the package.
 */
export class FunctionCallError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'FunctionCallError';
  }
}

export type FunctionTable = ReadonlyMap<string, TemplateFunction>;

const fixed = (arity: number, call: (args: unknown[]) => unknown): TemplateFunction => ({ arity, call });
const variadic = (arity: number, call: (args: unknown[]) => unknown): TemplateFunction => ({
  arity,
  variadic: true,
  call,
});

/**
 * Go's built-in template functions (minus html, js, urlquery, slice and call), plus the ones
 * docker-machine's `inspect` and the docker CLI offered: json, prettyjson, join, split,
 * upper, lower, title. Berth offers all of them to every `--format`.
 */
export function builtinFunctions(): FunctionTable {
  return new Map<string, TemplateFunction>([
    // `and` and `or` short-circuit in the evaluator; these bodies only define their result.
    ['and', variadic(1, (args) => args.find((a) => !isTruthy(a)) ?? args[args.length - 1])],
    ['or', variadic(1, (args) => args.find((a) => isTruthy(a)) ?? args[args.length - 1])],
    ['not', fixed(1, ([a]) => !isTruthy(a))],
    ['len', fixed(1, ([a]) => length(a))],
    ['index', variadic(1, ([item, ...indexes]) => index(item, indexes))],
    ['print', variadic(0, (args) => sprint(args))],
    ['printf', variadic(1, ([format, ...args]) => sprintf(expectString(format), args))],
    ['println', variadic(0, (args) => sprintln(args))],
    ['eq', variadic(1, ([a, ...others]) => equals(a, others))],
    ['ne', fixed(2, ([a, b]) => !equals(a, [b]))],
    ['lt', fixed(2, ([a, b]) => compare(a, b) < 0)],
    ['le', fixed(2, ([a, b]) => compare(a, b) <= 0)],
    ['gt', fixed(2, ([a, b]) => compare(a, b) > 0)],
    ['ge', fixed(2, ([a, b]) => compare(a, b) >= 0)],
    ['json', fixed(1, ([a]) => toJson(a))],
    ['prettyjson', fixed(1, ([a]) => toJson(a, '    '))],
    ['join', fixed(2, ([list, separator]) => join(list, separator))],
    ['split', fixed(2, ([text, separator]) => split(text, separator))],
    ['upper', fixed(1, ([a]) => asText(a).toUpperCase())],
    ['lower', fixed(1, ([a]) => asText(a).toLowerCase())],
    ['title', fixed(1, ([a]) => title(asText(a)))],
  ]);
}

function expectString(value: unknown): string {
  if (typeof value === 'string') return value;
  throw new FunctionCallError(`wrong type for value; expected string; got ${goTypeName(value)}`);
}

/** Strings print as themselves; anything else as Go's `%v` would. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : formatArg(value, 'v');
}

function length(value: unknown): number {
  if (value === null || value === undefined || (value instanceof GoStruct && value.isNil)) {
    throw new FunctionCallError('len of nil pointer');
  }
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (Array.isArray(value)) return value.length;
  if (isGoMap(value)) return Object.keys(value).length;
  throw new FunctionCallError(`len of type ${goTypeName(value)}`);
}

function index(item: unknown, indexes: readonly unknown[]): unknown {
  if (item === undefined || item === null) throw new FunctionCallError('index of untyped nil');
  let current: unknown = item;
  for (const key of indexes) {
    if (current === null || current === undefined || (current instanceof GoStruct && current.isNil)) {
      throw new FunctionCallError('index of nil pointer');
    }
    if (Array.isArray(current) || typeof current === 'string') {
      const bytes = typeof current === 'string' ? Buffer.from(current, 'utf8') : undefined;
      const size = bytes?.length ?? (current as unknown[]).length;
      const position = integerIndex(key);
      if (position < 0 || position >= size) throw new FunctionCallError(`index out of range: ${position}`);
      current = bytes === undefined ? (current as unknown[])[position] : BigInt(bytes[position] ?? 0);
    } else if (isGoMap(current)) {
      if (typeof key !== 'string') {
        throw new FunctionCallError(`value has type ${goTypeName(key)}; should be string`);
      }
      // A missing key gives the map's zero value: a nil interface.
      current = Object.hasOwn(current, key) ? current[key] : null;
    } else {
      throw new FunctionCallError(`can't index item of type ${goTypeName(current)}`);
    }
  }
  return current;
}

function integerIndex(key: unknown): number {
  if (typeof key === 'bigint') return Number(key);
  // Lenient where Go is strict: JSON data only has float64, so accept whole numbers.
  if (typeof key === 'number' && Number.isInteger(key)) return key;
  if (key === null || key === undefined) throw new FunctionCallError('cannot index slice/array with nil');
  throw new FunctionCallError(`cannot index slice/array with type ${goTypeName(key)}`);
}

type Basic =
  | { kind: 'nil' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; value: number | bigint }
  | { kind: 'string'; value: string }
  | { kind: 'other'; value: unknown };

/**
 * Go's basic kinds. A value with a String() method (a machine state, a duration) compares
 * as its text against a string and as its number otherwise: Go would reject
 * `eq .State "Running"`, Berth accepts it on purpose.
 */
function basic(value: unknown, other: unknown): Basic {
  if (value instanceof GoStringer) {
    return basic(typeof other === 'string' ? value.text : value.underlying, undefined);
  }
  if (value === null || value === undefined) return { kind: 'nil' };
  switch (typeof value) {
    case 'boolean':
      return { kind: 'bool', value };
    case 'number':
    case 'bigint':
      return { kind: 'number', value };
    case 'string':
      return { kind: 'string', value };
    default:
      return { kind: 'other', value };
  }
}

function equals(first: unknown, others: readonly unknown[]): boolean {
  if (others.length === 0) throw new FunctionCallError('missing argument for comparison');
  return others.some((other) => basicEqual(basic(first, other), basic(other, first)));
}

function basicEqual(a: Basic, b: Basic): boolean {
  if (a.kind === 'nil' || b.kind === 'nil') return a.kind === b.kind;
  if (a.kind !== b.kind) throw new FunctionCallError('incompatible types for comparison');
  if (a.kind === 'other') {
    throw new FunctionCallError(`non-comparable type ${formatArg(a.value, 'v')}: ${goTypeName(a.value)}`);
  }
  if (a.kind === 'number' && b.kind === 'number') return numberCompare(a.value, b.value) === 0;
  return 'value' in b && a.value === b.value;
}

function compare(left: unknown, right: unknown): number {
  const a = basic(left, right);
  const b = basic(right, left);
  const ordered = (k: Basic['kind']): boolean => k === 'number' || k === 'string';
  if (!ordered(a.kind) || !ordered(b.kind)) throw new FunctionCallError('invalid type for comparison');
  if (a.kind !== b.kind) throw new FunctionCallError('incompatible types for comparison');
  if (a.kind === 'number' && b.kind === 'number') return numberCompare(a.value, b.value);
  if (a.kind === 'string' && b.kind === 'string') {
    return Buffer.compare(Buffer.from(a.value, 'utf8'), Buffer.from(b.value, 'utf8'));
  }
  return 0;
}

/** Go refuses to compare int with float64; Berth compares the numbers. */
function numberCompare(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** docker-machine ignored encoding errors and printed nothing; so does Berth. */
function toJson(value: unknown, indent?: string): string {
  try {
    return encodeGoJson(value, indent === undefined ? {} : { indent });
  } catch {
    return '';
  }
}

function join(list: unknown, separator: unknown): string {
  if (list === null || list === undefined) return '';
  if (!Array.isArray(list)) {
    throw new FunctionCallError(`wrong type for value; expected []string; got ${goTypeName(list)}`);
  }
  return list.map(asText).join(asText(separator));
}

function split(text: unknown, separator: unknown): string[] {
  const value = asText(text);
  const sep = asText(separator);
  return sep === '' ? Array.from(value) : value.split(sep);
}

/** Go's strings.Title: upper-case the first letter of every word. */
function title(text: string): string {
  let out = '';
  let previous = ' ';
  for (const char of text) {
    const separator = !/[\p{L}\p{N}_]/u.test(previous);
    out += separator ? char.toUpperCase() : char;
    previous = char;
  }
  return out;
}
