import { BerthContext, listMachines } from '@berth/core/one-machine';
import { isBerthError } from '@berth/driver-protocol';
import { argumentsOf, commandSpec, tokenize } from './command-line/index.js';
import { berthContextOptions, isDebugMode } from './context-options.js';
import { writeError } from './error-output.js';
import { listForLs } from './ls-listing.js';

/**
 * The quick path for `ls`, `ls -q` and `ls --timeout N`: the forms scripts and fleets run all day,
 * answered before oclif loads (about a third of `ls` of 200 machines), by the very code the oclif
 * command runs (ls-listing.ts). Imported only for `ls`, so the other quick commands do not pay for
 * loading it. Any other form (--filter, --format, help, a value oclif would refuse) returns false,
 * having printed nothing, and runs through oclif; `ls` only reads (and records last-known states,
 * each an atomic write), so running it again is harmless.
 */

interface QuickLsForm {
  quiet: boolean;
  timeoutSeconds: number;
}

/** The ls form of `rest` (the arguments after `ls`), or undefined if it is not a quick one. */
export function quickLsForm(rest: readonly string[]): QuickLsForm | undefined {
  const spec = commandSpec('ls');
  if (spec === undefined) return undefined;
  const read = tokenize(rest, spec.flags);
  if (read.fault || read.dashdash || read.unknownFlags.length > 0 || argumentsOf(read).length > 0) return undefined;
  const form: QuickLsForm = { quiet: false, timeoutSeconds: 10 };
  for (const token of read.tokens) {
    if (token.type !== 'flag') return undefined;
    if (token.flag === 'quiet' && (token.input === '-q' || token.input === '--quiet')) form.quiet = true;
    // A plain count of seconds; anything else gets oclif's own error.
    else if (token.flag === 'timeout' && /^\d{1,6}$/.test(token.input)) form.timeoutSeconds = Number(token.input);
    else return undefined;
  }
  return form;
}

/** Answers `ls` if `rest` is a quick form (output or Berth error); false means "run it through oclif". */
export async function answerLsQuickly(rest: readonly string[]): Promise<boolean> {
  const form = quickLsForm(rest);
  if (form === undefined) return false;
  const ctx = BerthContext.open(berthContextOptions((line) => process.stdout.write(`${line}\n`)));
  let stdout: string;
  try {
    const listing = listMachines(ctx.store);
    listing.catch(() => undefined); // its error is thrown by listForLs's await
    const release = () => void ctx.dispose().catch(() => undefined);
    ({ stdout } = await listForLs(ctx, { ...form, filter: [] }, listing, release));
  } catch (error) {
    if (!isBerthError(error)) return false;
    process.exitCode = writeError(error, { debug: isDebugMode() });
    return true;
  } finally {
    await ctx.dispose();
  }
  process.stdout.write(stdout);
  return true;
}
