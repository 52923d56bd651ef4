import type { FlagSpec, FlagSpecs } from './flag-spec.js';

/**
 * The one reader of berth's command line below oclif: the quick path, the early driver start,
 * the global options and `create --help` all read argv through it, so none keeps its own list of
 * which flags take a value. For a command's flags it reads exactly as oclif's parser does
 * (@oclif/core lib/parser/parse.js; `command-line/tokenize-vs-oclif.test.ts` holds it to that over
 * every command in the manifest); oclif has no tokenizer of its own to call without loading it
 * and a command class, which is what the quick path exists to avoid.
 */

/** One thing read: a flag with its input (the value, or for a boolean the text given), or an argument. */
export type Token = { type: 'flag'; flag: string; input: string } | { type: 'arg'; input: string };

/** Why argv could not be read. */
export interface TokenizeFault {
  kind: 'missing-value' | 'repeated' | 'unknown';
  /** The flag's long name; for `unknown`, what was typed. */
  flag: string;
  /** The flag as typed, without an `=value`. */
  given: string;
}

export interface Tokenized {
  tokens: Token[];
  /** Inputs that look like flags but are none of the command's (oclif's nonExistentFlags). */
  unknownFlags: string[];
  /** A `--` ended the flags. */
  dashdash: boolean;
  /** With `stopAtArgument`: the first argument and everything after it, unread. */
  rest: string[];
  fault?: TokenizeFault;
}

export interface TokenizeOptions {
  /**
   * Docker Machine's global options (Go's flag package): reading stops at the first argument or
   * `--`, which stay in `rest`; `-name` is a long name too; an unknown flag is a fault.
   */
  goGlobalOptions?: boolean;
  /** Flags after which reading stops, the rest left in `rest` (`berth -v ...`). */
  stopAfter?: readonly string[];
}

const NEGATION = '--no-';
const isNegativeNumber = (input: string) => /^-\d/.test(input);

export function tokenize(argv: readonly string[], flags: FlagSpecs, options: TokenizeOptions = {}): Tokenized {
  const byAlias = new Map<string, FlagSpec>();
  for (const flag of Object.values(flags)) {
    for (const alias of [...(flag.aliases ?? []), ...(flag.charAliases ?? [])]) byAlias.set(alias, flag);
  }
  const go = options.goGlobalOptions === true;
  const findLong = (name: string): string | undefined => {
    if (flags[name]) return name;
    const alias = byAlias.get(name);
    if (alias) return alias.name;
    if (`--${name}`.startsWith(NEGATION)) {
      const negated = flags[name.slice(3)] ?? byAlias.get(name.slice(3));
      if (negated?.type === 'boolean' && negated.allowNo) return negated.name;
    }
    return undefined;
  };
  const findShort = (char: string | undefined): string | undefined => {
    if (char === undefined) return undefined;
    const alias = byAlias.get(char);
    if (alias) return alias.name;
    return Object.values(flags).find((flag) => flag.char === char)?.name;
  };
  /** The flag `arg` names, and whether it was named long. */
  const find = (arg: string): { name?: string; isLong: boolean } => {
    if (arg.startsWith('--')) return { name: findLong(arg.slice(2)), isLong: true };
    if (!arg.startsWith('-')) return { isLong: false };
    if (go && arg.length > 2) return { name: findLong(arg.slice(1)), isLong: true };
    return { name: findShort(arg[1]), isLong: false };
  };

  const queue = [...argv];
  const result: Tokenized = { tokens: [], unknownFlags: [], dashdash: false, rest: [] };
  let current: FlagSpec | undefined;

  /** Reads `arg` as a flag, taking its value from the queue; false if it names none. */
  const readFlag = (arg: string): boolean | TokenizeFault => {
    if (go && arg.includes('=')) return readGoFlag(arg);
    const { name, isLong } = find(arg);
    if (name === undefined) {
      const equals = arg.indexOf('=');
      if (equals === -1) return false;
      queue.unshift(arg.slice(equals + 1));
      const read = readFlag(arg.slice(0, equals));
      if (read === false) queue.shift();
      return read;
    }
    const flag = flags[name] as FlagSpec;
    if (flag.type === 'boolean') {
      result.tokens.push({ type: 'flag', flag: name, input: arg });
      // `-qf`: the letters after the first are flags of their own.
      if (!isLong && arg.length > 2) queue.unshift(`-${arg.slice(2)}`);
      return true;
    }
    if (!flag.multiple && result.tokens.some((token) => token.type === 'flag' && token.flag === name)) {
      return { kind: 'repeated', flag: name, given: arg };
    }
    current = flag;
    const input = isLong || arg.length < 3 ? queue.shift() : arg.slice(arg[2] === '=' ? 3 : 2);
    // oclif takes a following flag of the command for a missing value; Go takes whatever follows.
    if (input === undefined || (!go && find(input).name !== undefined)) {
      return { kind: 'missing-value', flag: name, given: arg };
    }
    result.tokens.push({ type: 'flag', flag: name, input });
    return true;
  };

  /** Go's `-name=value`, for a boolean too (`--debug=false`). */
  const readGoFlag = (arg: string): boolean => {
    const equals = arg.indexOf('=');
    const name = find(arg.slice(0, equals)).name;
    if (name === undefined) return false;
    result.tokens.push({ type: 'flag', flag: name, input: arg.slice(equals + 1) });
    return true;
  };

  let readingFlags = true;
  while (queue.length > 0) {
    const input = queue.shift() as string;
    if (readingFlags && input.startsWith('-') && input !== '-') {
      if (input === '--') {
        if (go) {
          result.rest = [input, ...queue];
          return result;
        }
        readingFlags = false;
        result.dashdash = true;
        continue;
      }
      const read = readFlag(input);
      if (read === true) {
        const last = result.tokens[result.tokens.length - 1];
        if (last?.type === 'flag' && options.stopAfter?.includes(last.flag)) {
          result.rest = [...queue];
          return result;
        }
        continue;
      }
      if (read !== false) return { ...result, fault: read };
      if (go) {
        const given = input.split('=')[0] as string;
        return { ...result, fault: { kind: 'unknown', flag: given, given } };
      }
      if (!isNegativeNumber(input)) {
        result.unknownFlags.push(input);
        continue;
      }
    }
    if (go) {
      result.rest = [input, ...queue];
      return result;
    }
    if (readingFlags && current?.multiple && !current.multipleNonGreedy) {
      result.tokens.push({ type: 'flag', flag: current.name, input });
      continue;
    }
    result.tokens.push({ type: 'arg', input });
  }
  return result;
}

/** The arguments read, in order. */
export function argumentsOf(read: Tokenized): string[] {
  return read.tokens.flatMap((token) => (token.type === 'arg' ? [token.input] : []));
}

/** The inputs given for flag `name`, in order. */
export function flagInputs(read: Tokenized, name: string): string[] {
  return read.tokens.flatMap((token) => (token.type === 'flag' && token.flag === name ? [token.input] : []));
}
