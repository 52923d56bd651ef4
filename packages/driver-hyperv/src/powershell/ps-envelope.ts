/**
 * The framing of Berth's PowerShell session (a long-lived `powershell.exe -Command -` reading
 * statements on stdin): the first line, the one line per request, and the reading of its answer,
 * one JSON line followed by a marker line carrying the request's id.
 */

/** The first line written: stop on every error, no progress bars, UTF-8 output. */
export const SESSION_PREAMBLE =
  "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; [Console]::OutputEncoding = [Text.Encoding]::UTF8";

/** The marker line that ends the answer to request `id`. */
export function answerMarker(id: number): string {
  return `<<<berth:${id}>>>`;
}

const MARKER = /^<<<berth:(\d+)>>>$/;

/** The id of a marker line, or undefined for any other line. */
export function markerId(line: string): number | undefined {
  const match = MARKER.exec(line);
  return match ? Number(match[1]) : undefined;
}

/**
 * The line for one request: BODY's output as a JSON array (`ok`), or the error record's message,
 * FullyQualifiedErrorId and category; then the marker, whatever happened.
 */
export function requestLine(id: number, body: string): string {
  if (/[\r\n]/.test(body)) throw new RangeError('a PowerShell request body is one line');
  return (
    `& { try { $berthOut = @( ${body} ); '{"ok":true,"value":' + (ConvertTo-Json -InputObject $berthOut -Compress -Depth 4) + '}' } ` +
    `catch { '{"ok":false,"error":' + (ConvertTo-Json -Compress -InputObject @{ message = $_.Exception.Message; id = $_.FullyQualifiedErrorId; category = "$($_.CategoryInfo.Category)" }) + '}' }; ` +
    `'${answerMarker(id)}' }`
  );
}

/** A PowerShell error record, as the session reports it. */
export interface PowerShellErrorRecord {
  message: string;
  /** FullyQualifiedErrorId: not localized, so decisions are made on it. */
  id: string;
  category: string;
}

export type PowerShellAnswer = { ok: true; value: unknown[] } | { ok: false; error: PowerShellErrorRecord };

/**
 * The answer among the lines printed before the marker: the last line that is a JSON object with
 * `ok`. Anything else (a profile's chatter, a byte-order mark) is ignored. Undefined when none.
 */
export function parseAnswer(lines: readonly string[]): PowerShellAnswer | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).replace(/^\uFEFF/, '').trim();
    if (!line.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    const record = parsed as { ok?: unknown; value?: unknown; error?: unknown };
    if (record.ok === true) {
      // ConvertTo-Json of an array is an array; `null` (nothing at all) is taken as empty.
      const value = record.value === null || record.value === undefined ? [] : record.value;
      return { ok: true, value: Array.isArray(value) ? value : [value] };
    }
    if (record.ok === false) {
      const error = (typeof record.error === 'object' && record.error !== null ? record.error : {}) as Record<
        string,
        unknown
      >;
      const text = (value: unknown) => (typeof value === 'string' ? value : value == null ? '' : String(value));
      return { ok: false, error: { message: text(error.message), id: text(error.id), category: text(error.category) } };
    }
  }
  return undefined;
}
