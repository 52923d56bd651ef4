import { createInterface } from 'node:readline';
import { printStatement, scriptForms, writeAll } from './argv-mode.js';
import { appendCall } from './call-log.js';
import { encodeConsole } from './console-encoding.js';
import type { HypervHost } from './hyperv-host.js';
import { type CompiledForm, compileForms, SESSION_FORMS } from './hyperv-statements.js';
import { toJsonCompressed } from './ps-json.js';
import { runStatement } from './statement-runner.js';

/** The first line Berth's driver writes (contract §2). */
export const SESSION_PREAMBLE =
  "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; [Console]::OutputEncoding = [Text.Encoding]::UTF8";

const ENVELOPE_HEAD = '& { try { $berthOut = @( ';
const ENVELOPE_TAIL =
  ` ); '{"ok":true,"value":' + (ConvertTo-Json -InputObject $berthOut -Compress -Depth 4) + '}' } catch { ` +
  `'{"ok":false,"error":' + (ConvertTo-Json -Compress -InputObject @{ message = $_.Exception.Message; ` +
  `id = $_.FullyQualifiedErrorId; category = "$($_.CategoryInfo.Category)" }) + '}' }; '<<<berth:`;
const ENVELOPE_END = ">>>' }";

export interface Envelope {
  body: string;
  id: string;
}

/** The request line's BODY and ID, or undefined when the line is not the envelope. */
export function parseEnvelope(line: string): Envelope | undefined {
  if (!line.startsWith(ENVELOPE_HEAD) || !line.endsWith(ENVELOPE_END)) return undefined;
  const tail = line.lastIndexOf(ENVELOPE_TAIL);
  if (tail < ENVELOPE_HEAD.length) return undefined;
  const id = line.slice(tail + ENVELOPE_TAIL.length, line.length - ENVELOPE_END.length);
  if (!/^\d+$/.test(id)) return undefined;
  return { body: line.slice(ENVELOPE_HEAD.length, tail), id };
}

/** Builds the request line for BODY (what a driver writes; used by tests and the bench). */
export function envelopeLine(body: string, id: number | string): string {
  return `${ENVELOPE_HEAD}${body}${ENVELOPE_TAIL}${id}${ENVELOPE_END}`;
}

let sessionForms: CompiledForm[] | undefined;

/**
 * `powershell.exe -NoProfile -NonInteractive -NoLogo -Command -`: statements on stdin, one per line,
 * run in order. The envelope answers with one JSON line and its marker; the preamble sets the
 * console to UTF-8 and prints nothing; any other line runs as a plain statement (docker-machine's
 * scripts) and prints as Out-Default would. Ends at end of input.
 */
export async function runSessionMode(host: HypervHost, stateDir: string, argv: string[]): Promise<number> {
  sessionForms ??= compileForms(SESSION_FORMS);
  appendCall(stateDir, { kind: 'session', argv, script: '' });
  let utf8 = false;
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line === SESSION_PREAMBLE) {
      utf8 = true;
      appendCall(stateDir, { kind: 'statement', argv, script: line, ok: true });
      continue;
    }
    if (line.trim() === 'exit') break;
    const envelope = parseEnvelope(line);
    if (!envelope) {
      const result = await runStatement(host, scriptForms(), line);
      const printed = printStatement(line, result);
      appendCall(stateDir, {
        kind: 'statement',
        argv,
        script: line,
        ok: printed.succeeded,
        ...(result.form ? {} : { unrecognised: true }),
      });
      await writeAll(process.stdout, printed.stdout);
      await writeAll(process.stderr, printed.stderr);
      continue;
    }
    const result = await runStatement(host, sessionForms, envelope.body);
    const answer = result.error
      ? `{"ok":false,"error":${toJsonCompressed({
          message: result.error.record.message,
          id: result.error.record.id,
          category: result.error.record.category,
        })}}`
      : `{"ok":true,"value":${toJsonCompressed(result.output?.kind === 'values' ? result.output.values : [])}}`;
    appendCall(stateDir, {
      kind: 'statement',
      argv,
      script: line,
      body: envelope.body,
      ok: !result.error,
      ...(result.form ? {} : { unrecognised: true }),
    });
    await writeAll(process.stdout, encodeConsole(`${answer}\r\n<<<berth:${envelope.id}>>>\r\n`, utf8));
  }
  return 0;
}
