import { BerthError } from '@berth/driver-protocol';
import { quoteGo } from '../strconv/quote.js';

/**
 * Errors raised by the template engine: Berth errors (codes TemplateParse and TemplateExec
 * in the shared table) whose messages follow Go's text/template wording, so docker-machine
 * users recognise them.
 */

/** Where in the template source a problem is: 1-based line, 0-based byte column (Go's convention). */
export interface TemplatePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export function locate(source: string, offset: number): TemplatePosition {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { offset, line, column: Buffer.byteLength(before.slice(lineStart), 'utf8') };
}

interface TemplateErrorInit {
  templateName: string;
  source: string;
  position: TemplatePosition;
  reason: string;
  actions?: string[];
}

/** The template text is not valid: `template: NAME:LINE:COL: REASON`. */
export class TemplateParseError extends BerthError {
  override readonly code = 'TemplateParse' as const;
  readonly templateName: string;
  readonly position: TemplatePosition;
  readonly reason: string;
  private readonly init: TemplateErrorInit & { prefix?: string };

  constructor(init: TemplateErrorInit & { prefix?: string }) {
    const { line, column } = init.position;
    super(`${init.prefix ?? ''}template: ${init.templateName}:${line}:${column}: ${init.reason}`, {
      actions: init.actions ?? [],
      data: { template: init.source, line, column },
    });
    this.init = init;
    this.templateName = init.templateName;
    this.position = init.position;
    this.reason = init.reason;
  }

  /** The same error with context in front, e.g. docker-machine's `template parsing error: `. */
  withPrefix(prefix: string): TemplateParseError {
    return new TemplateParseError({ ...this.init, prefix: prefix + (this.init.prefix ?? '') });
  }
}

/**
 * Executing the template failed, for example on an unknown field:
 * `template: NAME:LINE:COL: executing "NAME" at <.Foo>: can't evaluate field Foo in type T`.
 */
export class TemplateExecError extends BerthError {
  override readonly code = 'TemplateExec' as const;
  readonly templateName: string;
  readonly position: TemplatePosition;
  /** The source text of the node being evaluated, as Go shows it between `<` and `>`. */
  readonly context: string;
  readonly reason: string;
  /** Output written before the failure; docker-machine had already printed it. */
  readonly partialOutput: string;

  constructor(init: TemplateErrorInit & { context: string; partialOutput: string; cause?: unknown }) {
    const { line, column } = init.position;
    const name = init.templateName;
    super(`template: ${name}:${line}:${column}: executing ${quoteGo(name)} at <${init.context}>: ${init.reason}`, {
      actions: init.actions ?? [],
      data: { template: init.source, line, column, context: init.context },
      cause: init.cause,
    });
    this.templateName = name;
    this.position = init.position;
    this.context = init.context;
    this.reason = init.reason;
    this.partialOutput = init.partialOutput;
  }
}
