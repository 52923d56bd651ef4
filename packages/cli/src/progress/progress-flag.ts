import { Flags } from '@oclif/core';
import { commandSpec, flagInputs, tokenize } from '../command-line/index.js';

export type ProgressFormat = 'text' | 'json';

/** `--progress`: the flag of the commands that report steps (create, provision, start, stop, rm). */
export const PROGRESS_FLAGS = {
  progress: Flags.string({
    summary: 'How to print progress: text, or json (one JSON object per line, errors included)',
    options: ['text', 'json'],
    default: 'text',
  }),
};

/** The flag as the reader needs it, for when there is no manifest (sources run unbuilt). */
const PROGRESS_SPEC = { progress: { name: 'progress', type: 'option' } } as const;

/**
 * `--progress` as given in `argv`, read before oclif parses it: the failures that come before
 * the parse (an unknown driver while create asks for its flags, a flag oclif refuses) are then
 * JSON lines too. A value oclif will refuse counts as text.
 */
export function progressFormatFromArgv(command: string | undefined, argv: readonly string[]): ProgressFormat {
  const flags = (command === undefined ? undefined : commandSpec(command)?.flags) ?? PROGRESS_SPEC;
  const given = flagInputs(tokenize(argv, flags), 'progress');
  return given[given.length - 1] === 'json' ? 'json' : 'text';
}
