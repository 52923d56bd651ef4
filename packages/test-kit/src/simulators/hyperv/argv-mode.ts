import { appendCall } from './call-log.js';
import { encodeConsole } from './console-encoding.js';
import type { HypervHost } from './hyperv-host.js';
import { type CompiledForm, compileForms, SCRIPT_FORMS } from './hyperv-statements.js';
import { renderPsError } from './ps-error.js';
import { toJsonPretty } from './ps-json.js';
import { runStatement, type StatementResult } from './statement-runner.js';

let compiled: CompiledForm[] | undefined;

export function scriptForms(): CompiledForm[] {
  compiled ??= compileForms(SCRIPT_FORMS);
  return compiled;
}

export interface PrintedStatement {
  stdout: Buffer;
  stderr: Buffer;
  /** `$?` of the statement: false makes a one-shot powershell.exe exit 1. */
  succeeded: boolean;
}

/**
 * How Out-Default prints a statement's result: text lines with CRLF, errors rendered on stderr.
 * A non-terminating error inside `( … ).prop` leaves the statement successful (reference §1.3).
 */
export function printStatement(script: string, result: StatementResult): PrintedStatement {
  const out: string[] = [];
  if (result.output?.kind === 'text') out.push(...result.output.lines);
  else if (result.output) out.push(...result.output.values.map((value) => toJsonPretty(value)));
  const stdout = encodeConsole(out.map((line) => `${line}\r\n`).join(''), result.utf8);
  if (!result.error) return { stdout, stderr: Buffer.alloc(0), succeeded: true };
  const { record, span, invocation } = result.error;
  const stderr = encodeConsole(renderPsError(record, script, span, invocation), result.utf8);
  const succeeded = record.nonTerminating && result.form?.propertyAccess === true;
  return { stdout, stderr, succeeded };
}

/** docker-machine's one-shot call: `powershell.exe -NoProfile -NonInteractive <pieces…>`. */
export async function runArgvMode(host: HypervHost, stateDir: string, argv: string[], script: string): Promise<number> {
  const result = await runStatement(host, scriptForms(), script);
  const printed = printStatement(script, result);
  const exitCode = printed.succeeded ? 0 : 1;
  appendCall(stateDir, { kind: 'argv', argv, script, exitCode, ...(result.form ? {} : { unrecognised: true }) });
  await writeAll(process.stdout, printed.stdout);
  await writeAll(process.stderr, printed.stderr);
  return exitCode;
}

export function writeAll(stream: NodeJS.WriteStream, data: Buffer): Promise<void> {
  if (data.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error ? reject(error) : resolve()));
  });
}
