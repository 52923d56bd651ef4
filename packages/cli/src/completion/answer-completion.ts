import { completeWords } from './complete-words.js';
import { completionSources } from './completion-sources.js';

/**
 * `berth __complete WORD...`, which the completion scripts call on every TAB: answered before
 * oclif loads (main.ts), from the manifest, the store's directory listing and the drivers. One
 * candidate per line, `value<TAB>description`. Prints nothing on any failure: the shell then
 * completes file names.
 */
export async function answerCompletion(words: readonly string[]): Promise<void> {
  let text = '';
  try {
    const typed = words.length === 0 ? [''] : words;
    for (const { value, description } of await completeWords(typed, completionSources())) {
      // A tab or newline would break the line format; descriptions are one line of plain text.
      text += description ? `${value}\t${description.replace(/\s+/g, ' ')}\n` : `${value}\n`;
    }
  } catch {
    text = '';
  }
  process.stdout.write(text);
}
