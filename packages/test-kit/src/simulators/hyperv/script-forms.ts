import type { ScriptSpan } from './ps-error.js';

/**
 * The exact PowerShell texts the simulator answers, written as templates: literal text, `{name:kind}`
 * for an argument, and `⟦…⟧` around the command an error points at (`At line:1 char:N` and the `~~~`
 * underline). A full PowerShell parser is not needed (reference §8.1): a statement either is one
 * of these texts or is unknown, which is how drift between a driver and the simulator shows.
 *
 * Kinds: `sq` a single-quoted string ('' for '), `dq` a double-quoted string without `$` or backtick,
 * `bare` a bare word (docker-machine's VM names), `size` a number with a KB/MB/GB/TB suffix (bytes),
 * `int` a decimal integer, `bool` `$true`/`$false`.
 */
type ArgKind = 'sq' | 'dq' | 'bare' | 'size' | 'int' | 'bool';

/** Each kind's pattern, its one capture group named after the argument. */
const KIND_PATTERNS: Record<ArgKind, (group: string) => string> = {
  sq: (group) => `'(?<${group}>(?:[^']|'')*)'`,
  dq: (group) => `"(?<${group}>[^"$\`]*)"`,
  bare: (group) => `(?<${group}>[^\\s'"(){}|;,$]+)`,
  size: (group) => `(?<${group}>\\d+[KkMmGgTt][Bb])`,
  int: (group) => `(?<${group}>\\d+)`,
  bool: (group) => `\\$(?<${group}>true|false)`,
};

const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export type ArgValue = string | number | boolean;

export class FormArgs {
  constructor(private readonly values: ReadonlyMap<string, ArgValue>) {}

  text(name: string): string {
    const value = this.values.get(name);
    if (typeof value !== 'string') throw new Error(`form argument ${name} is not text`);
    return value;
  }

  number(name: string): number {
    const value = this.values.get(name);
    if (typeof value !== 'number') throw new Error(`form argument ${name} is not a number`);
    return value;
  }

  flag(name: string): boolean {
    const value = this.values.get(name);
    if (typeof value !== 'boolean') throw new Error(`form argument ${name} is not a boolean`);
    return value;
  }
}

export interface CompiledTemplate {
  regex: RegExp;
  args: Array<{ name: string; kind: ArgKind }>;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileTemplate(template: string): CompiledTemplate {
  const args: CompiledTemplate['args'] = [];
  let source = '';
  const token = /\{(\w+):(\w+)\}|⟦|⟧/g;
  let last = 0;
  for (let match = token.exec(template); match; match = token.exec(template)) {
    source += escapeRegex(template.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[0] === '⟦') source += '(?<cmd>';
    else if (match[0] === '⟧') source += ')';
    else {
      const kind = match[2] as ArgKind;
      if (!(kind in KIND_PATTERNS)) throw new Error(`unknown argument kind ${kind} in ${template}`);
      args.push({ name: match[1] as string, kind });
      source += KIND_PATTERNS[kind](`arg_${match[1]}`);
    }
  }
  source += escapeRegex(template.slice(last));
  return { regex: new RegExp(`^${source}$`, 'd'), args };
}

function convert(kind: ArgKind, raw: string): ArgValue {
  switch (kind) {
    case 'sq':
      return raw.replace(/''/g, "'");
    case 'size':
      return Number(raw.slice(0, -2)) * (UNITS[raw.slice(-2, -1).toLowerCase()] ?? 1);
    case 'int':
      return Number(raw);
    case 'bool':
      return raw === 'true';
    default:
      return raw;
  }
}

export interface TemplateMatch {
  args: FormArgs;
  /** The marked command (the whole text when the template marks none). */
  span: ScriptSpan;
}

export function matchTemplate(compiled: CompiledTemplate, text: string): TemplateMatch | undefined {
  const match = compiled.regex.exec(text);
  if (!match) return undefined;
  const values = new Map<string, ArgValue>();
  for (const arg of compiled.args) values.set(arg.name, convert(arg.kind, match.groups?.[`arg_${arg.name}`] ?? ''));
  const cmd = match.indices?.groups?.cmd;
  const span = cmd ? { start: cmd[0], length: cmd[1] - cmd[0] } : { start: 0, length: text.length };
  return { args: new FormArgs(values), span };
}

/** Where the first command-looking word of `text` is (for the error of a text no form matches). */
export function firstCommand(text: string): { term: string; span: ScriptSpan } {
  const cmdlet = /(?:^|[\s(@|;{])((?:[A-Za-z][\w.-]*\\)?[A-Za-z]+-[A-Za-z][\w]*)/.exec(text);
  if (cmdlet?.[1] !== undefined) {
    const start = text.indexOf(cmdlet[1], cmdlet.index);
    return { term: cmdlet[1], span: { start, length: cmdlet[1].length } };
  }
  const word = /\S+/.exec(text);
  const term = word?.[0] ?? '';
  return { term, span: { start: word?.index ?? 0, length: term.length } };
}
