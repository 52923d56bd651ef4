/**
 * What the command-line reader needs to know of a flag: its names and whether it takes a value.
 * For commands this comes from oclif.manifest.json (manifest-specs.ts); Docker Machine's global
 * options, which oclif does not know, declare theirs in global-flags.ts.
 */
export interface FlagSpec {
  /** Long name, without dashes. */
  name: string;
  /** One-letter name, without the dash. */
  char?: string;
  /** `option` takes a value; `boolean` does not. */
  type: 'boolean' | 'option';
  /** An option that may be given more than once. */
  multiple?: boolean;
  /** A multiple option that does not take the arguments after its value as more values. */
  multipleNonGreedy?: boolean;
  /** A boolean that also reads as `--no-NAME`. */
  allowNo?: boolean;
  aliases?: readonly string[];
  charAliases?: readonly string[];
}

/** A command's flags, by long name. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;
