import { answerWithoutOclif } from './answer-without-oclif.js';
import { parseGlobalFlags } from './global-flags.js';

/**
 * Where bin/run.cjs starts: the entry of dist/bundle/quick.cjs, a CommonJS bundle of start-up,
 * completion and the quick path (scripts/bundle.mjs). Node loads one CommonJS file some 15 ms
 * faster than the same code as linked ES modules: a quarter of `berth ip`. What the quick path
 * does not answer goes on in the ES module bundle (dist/bundle/berth.js, main.ts), which reads the
 * command line again and runs oclif; nothing has been printed by then.
 */
export async function quickMain(binUrl: string): Promise<void> {
  const parsed = parseGlobalFlags(process.argv.slice(2));
  const tried = parsed.error === undefined && parsed.argv.length > 0;
  if (tried) {
    // main() sets them again, to the same values, if the command goes on to oclif.
    Object.assign(process.env, parsed.env);
    if (await answerWithoutOclif(parsed.argv)) {
      // As main(): work nobody waits for any more must not keep berth from exiting.
      setTimeout(() => process.exit(), 2000).unref();
      return;
    }
  }
  await (await import('./main.js')).main(binUrl, { quickTried: tried });
}
