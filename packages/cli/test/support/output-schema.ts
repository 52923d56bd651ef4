import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The shipped schema of berth's JSON output, as a test reads it from the package. */
export const OUTPUT_SCHEMA_PATH = fileURLToPath(new URL('../../schema/berth-output.schema.json', import.meta.url));

/** The definitions of the schema, one per kind of line. */
export type OutputKind =
  | 'lsMachine'
  | 'inspect'
  | 'status'
  | 'berthVersion'
  | 'machineVersion'
  | 'active'
  | 'progressEvent';

const schema = JSON.parse(readFileSync(OUTPUT_SCHEMA_PATH, 'utf8')) as { $id: string };
// ajv-formats is CommonJS: its function is the default export under Node's ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
// Strict mode: a keyword Ajv does not know, or a format it cannot check, fails the test.
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
ajv.addSchema(schema);

/** '' when `value` is a valid line of `kind` (and of the schema as a whole), else Ajv's account of why not. */
export function schemaErrors(kind: OutputKind, value: unknown): string {
  const problems: string[] = [];
  for (const ref of [`${schema.$id}#/$defs/${kind}`, schema.$id]) {
    const validate = ajv.getSchema(ref);
    if (validate === undefined) throw new Error(`no schema ${ref}`);
    if (!validate(value)) problems.push(`${ref}: ${ajv.errorsText(validate.errors)}`);
  }
  return problems.join('\n');
}

/** Each non-empty line of `stdout` parsed as JSON; a line that is not JSON fails with the line. */
export function jsonLines(stdout: string): unknown[] {
  const lines = stdout.split('\n');
  if (lines.pop() !== '') throw new Error(`output does not end with a newline: ${JSON.stringify(stdout)}`);
  return lines.map((line) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new Error(`not a JSON line: ${JSON.stringify(line)}`);
    }
  });
}
