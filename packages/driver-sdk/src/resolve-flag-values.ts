import { type CreateFlag, type FlagValue, type FlagValues, InvalidFlagError } from '@berth/driver-protocol';

/** Where flag values come from, highest precedence first: argv, then environment, then defaults. */
export interface FlagSources {
  /** Values from the command line by flag name, as the argv parser produced them (strings or typed). */
  given?: Readonly<Record<string, unknown>>;
  /** Environment to read each flag's `envVar` from (e.g. `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);
const INTEGER = /^[+-]?\d+$/;

function zeroValue(flag: CreateFlag): FlagValue {
  switch (flag.type) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'string-array':
      return [];
  }
}

function describe(raw: unknown, flag: CreateFlag): string {
  return flag.secret === true ? '(secret value)' : JSON.stringify(raw);
}

function invalid(flag: CreateFlag, raw: unknown, origin: string, expected: string): InvalidFlagError {
  return new InvalidFlagError(`${origin} ${describe(raw, flag)} is not ${expected}`, {
    actions: [`Give --${flag.name} ${expected}.`],
    data: { flag: flag.name },
  });
}

function coerce(flag: CreateFlag, raw: unknown, origin: string): FlagValue {
  switch (flag.type) {
    case 'string':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      throw invalid(flag, raw, origin, 'a string');
    case 'int':
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
      if (typeof raw === 'string' && INTEGER.test(raw.trim()) && Number.isSafeInteger(Number(raw))) {
        return Number(raw);
      }
      throw invalid(flag, raw, origin, 'an integer');
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && TRUE_WORDS.has(raw.trim())) return true;
      if (typeof raw === 'string' && FALSE_WORDS.has(raw.trim())) return false;
      throw invalid(flag, raw, origin, 'a boolean (true or false)');
    case 'string-array':
      if (typeof raw === 'string') return [raw];
      if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return [...raw];
      throw invalid(flag, raw, origin, 'a list of strings');
  }
}

function fromEnv(flag: CreateFlag, text: string): FlagValue {
  const origin = `$${flag.envVar} (for --${flag.name})`;
  if (flag.type !== 'string-array') return coerce(flag, text, origin);
  // Docker Machine ignored list flags given only through the environment; Berth splits on commas.
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * A value for every declared flag: the argv value if given, else the flag's environment variable if
 * set and non-empty, else its default, else the zero value of its type (`''`, `0`, `false`, `[]`).
 * Values are coerced to the flag's type; a value that does not fit throws InvalidFlagError naming
 * the flag (secret values are not echoed). Keys of `given` that are not declared flags are ignored.
 */
export function resolveFlagValues(flags: readonly CreateFlag[], sources: FlagSources = {}): FlagValues {
  const values: FlagValues = {};
  for (const flag of flags) {
    const given = sources.given?.[flag.name];
    const envText = flag.envVar === undefined ? undefined : sources.env?.[flag.envVar];
    if (given !== undefined) {
      values[flag.name] = coerce(flag, given, `--${flag.name}`);
    } else if (envText !== undefined && envText !== '') {
      values[flag.name] = fromEnv(flag, envText);
    } else if (flag.default !== undefined) {
      values[flag.name] = coerce(flag, flag.default, `The default of --${flag.name}`);
    } else {
      values[flag.name] = zeroValue(flag);
    }
  }
  return values;
}
