import type { VirtualBoxFaults } from './faults.js';
import type { GuestRuntime } from './guest-runtime.js';
import type { Registry, VmRecord, VmState } from './registry.js';
import { findVm } from './registry.js';
import type { SimConfig } from './sim-config.js';
import { machineNotFound, VBoxManageSyntaxError } from './vbox-errors.js';

/** What one invocation prints; joined with the personality's line ending at exit. */
export class Output {
  readonly stdout: string[] = [];
  stderr = '';

  out(...lines: string[]): void {
    this.stdout.push(...lines);
  }

  /** Raw text to stderr (progress bars have no line structure until 100%). */
  err(text: string): void {
    this.stderr += text;
  }

  /** VirtualBox's progress bar on stderr. */
  progress(): void {
    this.err('0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\n');
  }
}

export interface CommandContext {
  /** Arguments after the command word. */
  args: string[];
  config: SimConfig;
  faults: VirtualBoxFaults;
  registry: Registry;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  out: Output;
  runtime: GuestRuntime;
  /** The invocation's working directory (relative medium paths resolve against it). */
  cwd: string;
  /** `convertfromraw stdin` reads its image from here. */
  stdin: NodeJS.ReadableStream;
}

export type Command = (ctx: CommandContext) => Promise<void>;

/** RTGetOpt accepts 7.x's kebab-case spellings beside the old ones: `--nat-pf1` is `--natpf1`. */
export function normalizeOption(option: string): string {
  if (!option.startsWith('--')) return option;
  return `--${option.slice(2).replace(/-/g, '').toLowerCase()}`;
}

/**
 * Reads a command's arguments in order: options (with `--opt value`, `--opt=value`) and plain
 * words. Missing values and unknown options are syntax errors (exit 2 with the usage).
 */
export class ArgReader {
  private index = 0;

  constructor(
    private readonly list: readonly string[],
    readonly usage: readonly string[],
  ) {}

  get done(): boolean {
    return this.index >= this.list.length;
  }

  /** The next token; an option comes back normalized, with an inline `=value` split off. */
  next(): { token: string; inline?: string } | undefined {
    const raw = this.list[this.index];
    if (raw === undefined) return undefined;
    this.index += 1;
    if (raw.startsWith('--')) {
      const equals = raw.indexOf('=');
      if (equals > 0) return { token: normalizeOption(raw.slice(0, equals)), inline: raw.slice(equals + 1) };
      return { token: normalizeOption(raw) };
    }
    return { token: raw };
  }

  /** The option's value: inline, or the next token. */
  value(option: string, inline?: string): string {
    if (inline !== undefined) return inline;
    const value = this.list[this.index];
    if (value === undefined) throw this.syntax(`Option '${option}' requires a value`);
    this.index += 1;
    return value;
  }

  /** A positional argument the command needs. */
  word(what: string): string {
    const value = this.list[this.index];
    if (value === undefined) throw this.syntax(`Missing argument: ${what}`);
    this.index += 1;
    return value;
  }

  peek(): string | undefined {
    return this.list[this.index];
  }

  syntax(message: string): VBoxManageSyntaxError {
    return new VBoxManageSyntaxError(message, this.usage);
  }

  unknown(token: string): VBoxManageSyntaxError {
    return token.startsWith('-')
      ? this.syntax(`Unknown option: ${token}`)
      : this.syntax(`Invalid parameter '${token}'`);
  }
}

/** on/off values; anything else is a syntax error naming the option. */
export function onOffValue(reader: ArgReader, option: string, value: string): 'on' | 'off' {
  const lower = value.toLowerCase();
  if (lower === 'on' || lower === 'off') return lower;
  throw reader.syntax(`Invalid ${option} argument '${value}'`);
}

export function vmOf(ctx: CommandContext, nameOrUuid: string): VmRecord {
  const vm = findVm(ctx.registry, nameOrUuid);
  if (!vm) throw machineNotFound(nameOrUuid);
  return vm;
}

export function setState(vm: VmRecord, state: VmState): void {
  if (vm.state === state) return;
  vm.state = state;
  vm.stateChangedAt = new Date().toISOString();
  if (state !== 'running') delete vm.acpiOffAt;
}

/** Whether the VM is up (a session holds it): running or paused. */
export function isUp(vm: VmRecord): boolean {
  return vm.state === 'running' || vm.state === 'paused';
}
