import { builtinFunctions, type FunctionTable, type TemplateFunction } from './builtins.js';
import { executeTemplate } from './evaluator.js';
import { type ParsedTemplate, parseTemplate } from './parser.js';

export interface CompileOptions {
  /** Name shown in error messages; docker-machine's templates were unnamed (""). */
  name?: string;
  /** Extra functions, added to (or replacing) the built-in ones. */
  functions?: Readonly<Record<string, TemplateFunction>>;
}

/** A template parsed once and executed any number of times (one `ls` row each). */
export class CompiledTemplate {
  readonly name: string;
  readonly source: string;
  private readonly parsed: ParsedTemplate;
  private readonly functions: FunctionTable;

  constructor(parsed: ParsedTemplate, functions: FunctionTable) {
    this.parsed = parsed;
    this.name = parsed.name;
    this.source = parsed.source;
    this.functions = functions;
  }

  /** Throws TemplateExecError; its `partialOutput` holds what was written before the failure. */
  execute(data: unknown): string {
    return executeTemplate(this.parsed, data, this.functions);
  }
}

/** Parses Go text/template source. Throws TemplateParseError. */
export function compileTemplate(source: string, options: CompileOptions = {}): CompiledTemplate {
  const functions = new Map(builtinFunctions());
  for (const [name, fn] of Object.entries(options.functions ?? {})) functions.set(name, fn);
  const parsed = parseTemplate(source, { name: options.name ?? '', functions: new Set(functions.keys()) });
  return new CompiledTemplate(parsed, functions);
}

/** Parses and executes in one step. */
export function renderTemplate(source: string, data: unknown, options: CompileOptions = {}): string {
  return compileTemplate(source, options).execute(data);
}
