import { COMPLETE_COMMAND } from './completion/complete-command.js';
import { answerQuickly } from './quick-commands.js';

/**
 * Shell completion (`berth __complete WORD...`, on every TAB) and the quick path
 * (quick-commands.ts): answered without oclif. False means "run it through oclif".
 * `argv` is the command line with the global options taken off.
 */
export async function answerWithoutOclif(argv: readonly string[]): Promise<boolean> {
  if (argv[0] === COMPLETE_COMMAND) {
    await (await import('./completion/answer-completion.js')).answerCompletion(argv.slice(1));
    return true;
  }
  return answerQuickly(argv);
}
