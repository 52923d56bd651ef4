import { answerWithoutOclif } from './answer-without-oclif.js';
import { disposeUntakenContext, startEarly } from './early-context.js';
import { UsageError, writeError } from './error-output.js';
import { parseGlobalFlags } from './global-flags.js';

export interface MainOptions {
  /** quick-main.ts already tried completion and the quick path, and they did not answer. */
  quickTried?: boolean;
}

/** The whole of `berth`: `binUrl` is bin/run.cjs's URL, from which oclif finds package.json. */
export async function main(binUrl: string, options: MainOptions = {}): Promise<void> {
  const parsed = parseGlobalFlags(process.argv.slice(2));
  if (parsed.error) {
    const usage = new UsageError(parsed.error, "\nRun 'berth --help' for the global options.");
    process.exit(writeError(usage, { debug: false }));
  }
  Object.assign(process.env, parsed.env);
  const argv = parsed.argv.length > 0 ? parsed.argv : ['--help'];
  try {
    if (!options.quickTried && (await answerWithoutOclif(argv))) return;
    // A driver that runs as its own process starts while oclif loads (see early-context.ts).
    await startEarly(argv);
    try {
      const { runOclif } = await importOclif();
      await runOclif(argv, binUrl);
    } finally {
      await disposeUntakenContext();
    }
  } finally {
    // Work nobody waits for any more (a call to an in-process driver that timed out) must not keep
    // berth from exiting; the timer is unref'd, so it fires only if something still lingers.
    setTimeout(() => process.exit(), 2000).unref();
  }
}

/**
 * oclif and the commands. On import, oclif checks the Node version against its own `engines`
 * with semver (~30 ms); our package.json states the Node we need, so that check is skipped.
 */
async function importOclif(): Promise<typeof import('./oclif-entry.js')> {
  const engineCheck = process.env.OCLIF_DISABLE_ENGINE_WARNING;
  process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
  try {
    return await import('./oclif-entry.js');
  } finally {
    if (engineCheck === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
    else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineCheck;
  }
}
