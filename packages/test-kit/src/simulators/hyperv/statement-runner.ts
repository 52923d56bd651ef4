import type { HypervHost } from './hyperv-host.js';
import type { CompiledForm, StatementOutput } from './hyperv-statements.js';
import { commandNotFound, PsError, type PsErrorRecord, type ScriptSpan } from './ps-error.js';
import { firstCommand, matchTemplate } from './script-forms.js';

/** docker-machine's switch queries begin with this (PR #4509), so names arrive in UTF-8. */
export const UTF8_PREFIX = '[Console]::OutputEncoding = [Text.Encoding]::UTF8; ';

export interface StatementError {
  record: PsErrorRecord;
  span: ScriptSpan;
  /** What the rendering's first line names before ` : ` (the command as written). */
  invocation: string;
}

export interface StatementResult {
  /** The form that matched; undefined: the text is none the simulator knows. */
  form?: CompiledForm;
  output?: StatementOutput;
  error?: StatementError;
  /** The script set the console to UTF-8 first. */
  utf8: boolean;
}

function errorAt(error: PsError, text: string, span: ScriptSpan): StatementError {
  const invocation = /^\S+/.exec(text.slice(span.start))?.[0] ?? '';
  return { record: error.record, span, invocation };
}

/** An exception of the simulator itself: shown as an error record so the caller sees it, never hidden. */
function internalError(error: unknown): PsError {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new PsError({
    message: `Berth's Hyper-V simulator failed: ${text}`,
    id: 'BerthSimulatorInternalError',
    category: 'NotSpecified',
    targetName: '',
    targetType: '',
    activity: '',
    reason: error instanceof Error ? error.name : 'Error',
    nonTerminating: false,
  });
}

/** Runs one statement: the first form whose template is exactly `text`, or a not-recognized error. */
export async function runStatement(
  host: HypervHost,
  forms: readonly CompiledForm[],
  text: string,
): Promise<StatementResult> {
  const utf8 = text.startsWith(UTF8_PREFIX);
  const offset = utf8 ? UTF8_PREFIX.length : 0;
  const body = text.slice(offset);
  for (const form of forms) {
    const match = matchTemplate(form.compiled, body);
    if (!match) continue;
    const span = { start: match.span.start + offset, length: match.span.length };
    if (form.cmdlet && !(await host.read()).moduleInstalled) {
      const start = text.indexOf(form.cmdlet);
      return { form, utf8, error: errorAt(commandNotFound(form.cmdlet), text, { start, length: form.cmdlet.length }) };
    }
    try {
      return { form, utf8, output: await form.run(host, match.args) };
    } catch (error) {
      return { form, utf8, error: errorAt(error instanceof PsError ? error : internalError(error), text, span) };
    }
  }
  const unknown = firstCommand(body);
  const span = { start: unknown.span.start + offset, length: unknown.span.length };
  return { utf8, error: errorAt(commandNotFound(unknown.term), text, span) };
}
