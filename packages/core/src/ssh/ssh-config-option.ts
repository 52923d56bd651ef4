import { SshOptionInvalidError } from '../errors/ssh-client-errors.js';

/** One `-o` option: `-o ConnectTimeout=5`, `-o "LocalForward 8080 localhost:80"`. */
export interface SshConfigOption {
  /** Lower-cased, as OpenSSH compares keywords. */
  keyword: string;
  /** The value's words, quotes removed. */
  args: string[];
  /** As given, for messages. */
  given: string;
}

/**
 * Splits a `-o` text as OpenSSH's readconf does: the keyword ends at white space or `=`, then one
 * optional `=`; the value's words are split at white space, with double or single quotes
 * grouping and a backslash escaping the next character.
 */
export function parseSshConfigOption(text: string): SshConfigOption {
  const given = `-o ${text}`;
  const match = /^\s*([A-Za-z0-9]+)(?:\s*=\s*|\s+)(.*)$/s.exec(text);
  if (!match) throw new SshOptionInvalidError(given, 'is not Keyword=Value');
  const args = splitWords(match[2] as string, given);
  if (args.length === 0) throw new SshOptionInvalidError(given, 'has no value');
  return { keyword: (match[1] as string).toLowerCase(), args, given };
}

function splitWords(text: string, given: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let at = 0; at < text.length; at += 1) {
    const char = text[at] as string;
    if (char === '\\' && at + 1 < text.length) {
      at += 1;
      word = (word ?? '') + text[at];
    } else if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word = (word ?? '') + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) throw new SshOptionInvalidError(given, 'has an unterminated quote');
  if (word !== undefined) words.push(word);
  return words;
}

/** yes/no as OpenSSH spells them (it also takes true/false). */
export function sshYesNo(option: SshConfigOption): boolean {
  const value = option.args[0]?.toLowerCase();
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  throw new SshOptionInvalidError(option.given, 'takes yes or no');
}

/** A whole number in `range`, as OpenSSH's integer options. */
export function sshInteger(given: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new SshOptionInvalidError(given, 'needs a whole number');
  const value = Number(text);
  if (value < min || value > max) throw new SshOptionInvalidError(given, `must be between ${min} and ${max}`);
  return value;
}
