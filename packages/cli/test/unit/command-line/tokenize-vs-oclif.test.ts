import { Parser } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { type FlagSpec, type Token, tokenize } from '../../../src/command-line/index.js';
import { commandSpec } from '../../../src/command-line/manifest-specs.js';
import { COMMANDS } from '../../../src/commands-index.js';

/**
 * The early reader (quick path, early driver start, create --help) reads argv with the flags in
 * oclif.manifest.json; oclif reads it with the command classes. Over every command and a table of
 * command lines built from each one's flags, both must read the same flags, values and arguments,
 * and refuse the same lines.
 */

/** What oclif read, or that it refused the line while reading flags. */
async function oclifReads(
  command: string,
  argv: string[],
): Promise<{ tokens: Token[]; unknown: string[] } | 'refused'> {
  const Command = COMMANDS[command] as (typeof COMMANDS)[string];
  try {
    // strict: false and no value checks: a surplus argument or a value that is no integer is
    // refused after the reading, which is what is compared here.
    const output = await Parser.parse(argv, {
      flags: withoutValueChecks(Command.flags ?? {}),
      args: Command.args ?? {},
      strict: false,
    });
    return { tokens: output.raw.map(asToken), unknown: output.nonExistentFlags ?? [] };
  } catch (error) {
    // A flag oclif does not know is refused only after the whole line was read: compare that reading.
    const parsed = (error as { parse?: { output?: { raw: RawToken[]; nonExistentFlags?: string[] } } }).parse?.output;
    if (parsed) return { tokens: parsed.raw.map(asToken), unknown: parsed.nonExistentFlags ?? [] };
    return 'refused';
  }
}

/** The command's flags as oclif reads them, with their values taken as given. */
function withoutValueChecks(flags: Record<string, object>): Record<string, never> {
  const plain = Object.entries(flags).map(([name, flag]) => [
    name,
    { ...flag, parse: async (input: string) => input, options: undefined, default: undefined, env: undefined },
  ]);
  return Object.fromEntries(plain);
}

type RawToken = { type: 'flag'; flag: string; input: string } | { type: 'arg'; input: string };
const asToken = (raw: RawToken): Token =>
  raw.type === 'flag' ? { type: 'flag', flag: raw.flag, input: raw.input } : { type: 'arg', input: raw.input };

function ourReading(command: string, argv: string[]): { tokens: Token[]; unknown: string[] } | 'refused' {
  const spec = commandSpec(command);
  if (spec === undefined) throw new Error(`oclif.manifest.json has no command ${command}: run the build`);
  const read = tokenize(argv, spec.flags);
  return read.fault ? 'refused' : { tokens: read.tokens, unknown: read.unknownFlags };
}

/** Ways to write one flag: alone, and (for an option) with its value every way oclif takes one. */
function flagForms(flag: FlagSpec, value: string): string[][] {
  const long = `--${flag.name}`;
  const short = flag.char === undefined ? [] : [`-${flag.char}`];
  if (flag.type === 'boolean') {
    return [[long], [`${long}=false`], [`--no-${flag.name}`], ...short.map((s) => [s]), ...short.map((s) => [`${s}x`])];
  }
  return [
    [long, value],
    [`${long}=${value}`],
    [`${long}=`],
    [long],
    [long, '--help'],
    [long, '-'],
    [long, '-1'],
    [long, value, long, `${value}2`],
    [long, value, 'extra', 'more'],
    [long, value, '--', 'after'],
    ...short.flatMap((s) => [[s, value], [`${s}${value}`], [`${s}=${value}`], [s]]),
  ];
}

/** The table for one command: each flag's forms among arguments, pairs of flags, and what is no flag. */
function commandLines(flags: FlagSpec[]): string[][] {
  const lines: string[][] = [
    [],
    ['web'],
    ['web', 'db'],
    ['--'],
    ['--', '-x', 'web'],
    ['-'],
    ['-1'],
    ['--bogus'],
    ['--bogus=1'],
    ['-Z'],
    ['web', '--bogus', 'x'],
  ];
  for (const flag of flags) {
    for (const form of flagForms(flag, 'v1')) {
      lines.push(form, ['web', ...form], [...form, 'web'], ['--', ...form]);
    }
  }
  for (const a of flags) {
    for (const b of flags) {
      lines.push([...(flagForms(a, 'a')[0] as string[]), ...(flagForms(b, 'b')[0] as string[]), 'web']);
    }
  }
  const chars = flags.filter((flag) => flag.type === 'boolean' && flag.char).map((flag) => flag.char);
  if (chars.length > 0) lines.push([`-${chars.join('')}`, 'web'], [`-${chars.join('')}`, '--bogus']);
  return lines;
}

describe('the early command-line reader reads as oclif does', () => {
  const ids = Object.keys(COMMANDS);

  it('has every command in the manifest', () => {
    expect(ids.length).toBeGreaterThan(15);
    for (const id of ids) expect(commandSpec(id)?.id, id).toBe(id);
  });

  it.each(ids)('%s', async (id) => {
    const flags = Object.values(commandSpec(id)?.flags ?? {});
    const lines = commandLines(flags);
    expect(lines.length).toBeGreaterThan(10);
    const differences: string[] = [];
    for (const line of lines) {
      const [ours, oclif] = [ourReading(id, line), await oclifReads(id, line)];
      if (JSON.stringify(ours) !== JSON.stringify(oclif)) {
        differences.push(`${JSON.stringify(line)}: ours ${JSON.stringify(ours)}, oclif ${JSON.stringify(oclif)}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
