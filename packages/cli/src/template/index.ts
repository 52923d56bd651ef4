/**
 * A Go text/template subset for `--format` flags, written so the templates docker-machine
 * users have in their scripts give the same output.
 *
 * Supported: text and `{{ }}` actions with `{{-`/`-}}` trimming and comments; fields and
 * chains (`.A.B`, `$x.A`, `(pipe).A`); variables (`:=`, `=`, `$`); pipelines; `if`/`else if`/
 * `else`, `with`, `range` (with `$i, $v :=`, `break`, `continue`); Go's built-ins and, or,
 * not, len, index, print, printf, println, eq, ne, lt, le, gt, ge; and json, prettyjson,
 * join, split, upper, lower, title. Values print with Go's `%v` rules.
 *
 * Not supported: define/template/block, html/js/urlquery/slice/call, methods on values.
 * Deliberately more lenient than Go: numbers of any kind compare with each other, a machine
 * state compares with a string, `%d` and `index` accept whole float64 numbers, `join`/
 * `upper`/`lower` accept any value.
 */
export type { FunctionTable, TemplateFunction } from './builtins.js';
export { builtinFunctions, FunctionCallError } from './builtins.js';
export type { CompileOptions } from './compile.js';
export { CompiledTemplate, compileTemplate, renderTemplate } from './compile.js';
export type { TemplatePosition } from './errors.js';
export { TemplateExecError, TemplateParseError } from './errors.js';
export type { FormatFlags } from './go-format.js';
export { formatArg } from './go-format.js';
export type { GoJsonOptions } from './go-json.js';
export { encodeGoJson, GoJsonError } from './go-json.js';
export { sprint, sprintf, sprintln } from './go-printf.js';
export { quoteGo } from './go-quote.js';
export type { GoField, GoMap } from './go-values.js';
export { GoStringer, GoStruct, goTypeName, isTruthy } from './go-values.js';
