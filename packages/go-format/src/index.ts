/**
 * Go's output formatting, as docker-machine's users see it in their scripts: text/template for
 * `--format`, fmt's verbs, encoding/json, text/tabwriter for `ls`, time.Duration.String() and
 * RE2 regexp syntax for `ls --filter name=`. README.md lists what is covered and where it
 * differs from Go.
 */
export type { FormatFlags } from './fmt/format-arg.js';
export { formatArg } from './fmt/format-arg.js';
export { sprint, sprintf, sprintln } from './fmt/printf.js';
export type { GoJsonOptions } from './json/encode.js';
export { encodeGoJson, GoJsonError } from './json/encode.js';
export type { GoRegexpErrorCode } from './regexp/regexp.js';
export { compileGoRegexp, GoRegexpError } from './regexp/regexp.js';
export { quoteGo } from './strconv/quote.js';
export type { TabWriterOptions } from './tabwriter/tabwriter.js';
export { LS_TABWRITER, TabWriter } from './tabwriter/tabwriter.js';
export type { FunctionTable, TemplateFunction } from './template/builtins.js';
export { builtinFunctions, FunctionCallError } from './template/builtins.js';
export type { CompileOptions } from './template/compile.js';
export { CompiledTemplate, compileTemplate, renderTemplate } from './template/compile.js';
export type { TemplatePosition } from './template/errors.js';
export { TemplateExecError, TemplateParseError } from './template/errors.js';
export { formatGoDuration, formatGoDurationMs } from './time/duration.js';
export type { GoField, GoMap } from './values/values.js';
export { GoStringer, GoStruct, goTypeName, isTruthy } from './values/values.js';
