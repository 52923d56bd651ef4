/**
 * The value model the template engine evaluates over.
 *
 * Plain JavaScript data behaves like the Go values docker-machine templates saw:
 * - string → `string`, boolean → `bool`, number → `float64`, bigint → `int`;
 * - arrays → `[]interface {}`, plain objects → `map[string]interface {}`;
 * - `null` → a nil interface, `undefined` → "no value" (a missing map key).
 *
 * Two classes cover what plain data cannot express: a Go struct (fixed fields, so an
 * unknown field is an error rather than "no value") and a Go value with a `String()`
 * method (such as `time.Duration`), which prints as text but encodes to JSON as a number.
 */

/** One field of a {@link GoStruct}. `jsonName` is set when the field has a JSON tag. */
export interface GoField {
  readonly name: string;
  readonly value: unknown;
  readonly jsonName?: string;
}

/** A Go struct, or a pointer to one when `typeName` starts with `*`. */
export class GoStruct {
  readonly typeName: string;
  readonly fields: readonly GoField[];
  /** A nil pointer still knows its fields, so `.Known` and `.Unknown` fail differently, as in Go. */
  readonly isNil: boolean;

  constructor(typeName: string, fields: readonly GoField[], options: { nil?: boolean } = {}) {
    this.typeName = typeName;
    this.fields = fields;
    this.isNil = options.nil ?? false;
  }

  field(name: string): GoField | undefined {
    return this.fields.find((f) => f.name === name);
  }

  get isPointer(): boolean {
    return this.typeName.startsWith('*');
  }
}

/** A Go value with a `String()` method: prints as `text`, compares and encodes as `underlying`. */
export class GoStringer {
  readonly typeName: string;
  readonly text: string;
  readonly underlying: number | bigint | string;

  constructor(typeName: string, text: string, underlying: number | bigint | string) {
    this.typeName = typeName;
    this.text = text;
    this.underlying = underlying;
  }
}

export type GoMap = { readonly [key: string]: unknown };

export function isGoMap(value: unknown): value is GoMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Go's name for the dynamic type of a value, as used in error messages. */
export function goTypeName(value: unknown): string {
  if (value === undefined) return 'invalid';
  if (value === null) return '<nil>';
  if (value instanceof GoStruct || value instanceof GoStringer) return value.typeName;
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    default:
      return isGoMap(value) ? 'map[string]interface {}' : typeof value;
  }
}

/** Go's truth: false, 0, nil, empty string/slice/map and no value are false; structs are true. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (value instanceof GoStruct) return !value.isNil;
  if (value instanceof GoStringer) return isTruthy(value.underlying);
  if (Array.isArray(value)) return value.length > 0;
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0 && !Number.isNaN(value);
    case 'bigint':
      return value !== 0n;
    case 'boolean':
      return value;
    default:
      return isGoMap(value) ? Object.keys(value).length > 0 : true;
  }
}

/** Map keys in the order Go's fmt and encoding/json print them: by UTF-8 bytes. */
export function sortedKeys(map: GoMap): string[] {
  return Object.keys(map).sort(compareUtf8);
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
