/**
 * A PowerShell error record as the simulator raises it: what `$_.Exception.Message`,
 * `$_.FullyQualifiedErrorId` and `$_.CategoryInfo` say, and how Windows PowerShell 5.1 renders it
 * on stderr (reference §4).
 */
export interface PsErrorRecord {
  message: string;
  /** FullyQualifiedErrorId, e.g. `InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM`. */
  id: string;
  /** ErrorCategory name, e.g. `InvalidArgument`. */
  category: string;
  /** CategoryInfo's `(target:type)` part. */
  targetName: string;
  targetType: string;
  /** CategoryInfo's `[activity]`: the cmdlet's noun-verb name, or '' for a command not found. */
  activity: string;
  /** CategoryInfo's reason: the exception type's short name. */
  reason: string;
  /**
   * A non-terminating error: inside `( … ).prop` the statement still succeeds (exit 0); under
   * `$ErrorActionPreference = 'Stop'` it is thrown like any other.
   */
  nonTerminating: boolean;
}

export class PsError extends Error {
  constructor(readonly record: PsErrorRecord) {
    super(record.message);
    this.name = 'PsError';
  }
}

export const COMMAND_NOT_FOUND_ID = 'CommandNotFoundException';

export function commandNotFound(term: string): PsError {
  return new PsError({
    message:
      `The term '${term}' is not recognized as the name of a cmdlet, function, script file, or operable program. ` +
      'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.',
    id: COMMAND_NOT_FOUND_ID,
    category: 'ObjectNotFound',
    targetName: term,
    targetType: 'String',
    activity: '',
    reason: 'CommandNotFoundException',
    nonTerminating: false,
  });
}

/** Where the failing command sits in the script, for `At line:1 char:N` and the `~~~` underline. */
export interface ScriptSpan {
  /** 0-based offset of the command's first character. */
  start: number;
  length: number;
}

/**
 * The stderr text of an uncaught error (CRLF; the trailing line holding one space is PowerShell's).
 * `invocation` is what precedes ` : ` on the first line (the command name as written).
 */
export function renderPsError(record: PsErrorRecord, script: string, span: ScriptSpan, invocation: string): string {
  const lines = record.message.split(/\r?\n/);
  const first = invocation === '' ? lines[0] : `${invocation} : ${lines[0]}`;
  const activity = record.activity === '' ? '[]' : `[${record.activity}]`;
  return [
    first,
    ...lines.slice(1),
    `At line:1 char:${span.start + 1}`,
    `+ ${script}`,
    `+ ${' '.repeat(span.start)}${'~'.repeat(Math.max(1, span.length))}`,
    `    + CategoryInfo          : ${record.category}: (${record.targetName}:${record.targetType}) ${activity}, ${record.reason}`,
    `    + FullyQualifiedErrorId : ${record.id}`,
    ' ',
    '',
  ].join('\r\n');
}
