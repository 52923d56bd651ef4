import { SshOptionInvalidError } from '../errors/ssh-client-errors.js';

/** The letters of OpenSSH 9's `ssh` getopt string that take a value (`-L spec`, `-o Key=Value`). */
const VALUE_LETTERS: ReadonlySet<string> = new Set('BbcDEeFIiJLlmOoPpQRSWw');
/** The letters of OpenSSH 9's `ssh` getopt string that take none (`-C`, `-t`). */
const FLAG_LETTERS: ReadonlySet<string> = new Set('46AaCfGgKkMNnqsTtVvXxYy');

/** One option as given: `-C` is `{ letter: 'C' }`, `-L8080:a:80` and `-L 8080:a:80` are `{ letter: 'L', value }`. */
export interface SshOption {
  letter: string;
  value?: string;
}

/** `berth ssh`'s argv read as OpenSSH reads its own: `[options] [destination] [options] [command...]`. */
export interface SshCommandLine {
  /** Options in the order given, those before and after the destination together. */
  options: SshOption[];
  /** The first argument that is not an option (`web` or `user@web`); undefined when there is none. */
  destination: string | undefined;
  /** What follows: the remote command, joined with spaces as OpenSSH does. */
  command: string[];
}

/**
 * Reads argv as OpenSSH's `ssh` does: BSD getopt (no reordering: the first non-option ends the
 * options), `--` ends them, letters cluster (`-tt`, `-CN`), a value is the rest of its word or
 * the next word. After the destination the options are read once more, unless `--` came before
 * it, so `web -C echo foo` is "compress, run `echo foo`" and `web -- -C` runs `-C`.
 */
export function parseSshCommandLine(argv: readonly string[]): SshCommandLine {
  const options: SshOption[] = [];
  let index = 0;

  /** Reads options from `index`; true when `--` ended them. */
  const readOptions = (): boolean => {
    while (index < argv.length) {
      const word = argv[index] as string;
      if (word === '--') {
        index += 1;
        return true;
      }
      if (!word.startsWith('-') || word === '-') return false;
      index += 1;
      for (let at = 1; at < word.length; at += 1) {
        const letter = word[at] as string;
        if (VALUE_LETTERS.has(letter)) {
          let value = word.slice(at + 1);
          if (value === '') {
            if (index >= argv.length) throw new SshOptionInvalidError(`-${letter}`, 'needs a value');
            value = argv[index] as string;
            index += 1;
          }
          options.push({ letter, value });
          break;
        }
        if (!FLAG_LETTERS.has(letter)) throw new SshOptionInvalidError(`-${letter}`, 'is not an option of ssh');
        options.push({ letter });
      }
    }
    return false;
  };

  const terminated = readOptions();
  let destination: string | undefined;
  if (index < argv.length) {
    destination = argv[index];
    index += 1;
    if (!terminated) readOptions();
  }
  return { options, destination, command: argv.slice(index) };
}

/** `user@machine` or `machine`: the machine name and the login it asks for, if any. */
export function parseSshDestination(destination: string): { machine: string; user?: string } {
  const at = destination.lastIndexOf('@');
  if (at < 0) return { machine: destination };
  if (at === 0) throw new SshOptionInvalidError(destination, 'names no user before "@"');
  return { machine: destination.slice(at + 1), user: destination.slice(0, at) };
}

/** The options as argv words again (`-L`, `8080:a:80`), for handing on to OpenSSH's client. */
export function sshOptionWords(options: readonly SshOption[]): string[] {
  return options.flatMap((option) =>
    option.value === undefined ? [`-${option.letter}`] : [`-${option.letter}`, option.value],
  );
}

/** How an option is named in messages: `-C`, `-L 8080:a:80`. */
export function describeSshOption(option: SshOption): string {
  return option.value === undefined ? `-${option.letter}` : `-${option.letter} ${option.value}`;
}
