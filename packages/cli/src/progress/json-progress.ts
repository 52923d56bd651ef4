import { isBerthError } from '@berth/driver-protocol';
import { Errors } from '@oclif/core';
import { UsageError } from '../error-output.js';
import { jsonLine } from '../render/json-line.js';
import type { ProgressErrorEvent, ProgressEvent } from '../render/json-shapes.js';
import type { ProgressOutput } from './progress-output.js';

/** The code of an error that is not a Berth error: a command line the command could not use. */
export const USAGE_ERROR_CODE = 'UsageError';

export interface JsonProgressOptions {
  /** The berth command, e.g. `create`. */
  readonly command: string;
  /** Where the lines go (default: stdout). */
  readonly write?: (text: string) => void;
  /** The clock of the `time` fields (default: now). */
  readonly now?: () => Date;
}

/**
 * `--progress json`, as minikube's `--output=json`: every step, note and error one JSON object
 * per line on stdout (see json-shapes.ts), nothing else there. Steps are counted per machine.
 */
export class JsonProgress implements ProgressOutput {
  readonly json = true;
  /** The machine lines are about when the caller names none (create's machine, once parsed). */
  machine: string | undefined;
  private readonly steps = new Map<string | null, number>();
  private readonly write: (text: string) => void;
  private readonly now: () => Date;

  constructor(private readonly options: JsonProgressOptions) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.now = options.now ?? (() => new Date());
  }

  step(message: string, machine: string | undefined = this.machine): void {
    const key = machine ?? null;
    const step = (this.steps.get(key) ?? 0) + 1;
    this.steps.set(key, step);
    this.emit({ type: 'step', ...this.base(key), step, message, time: this.time() });
  }

  info(message: string, machine: string | undefined = this.machine): void {
    this.emit({ type: 'info', ...this.base(machine ?? null), message, time: this.time() });
  }

  /** A failure as an error line: its stable code, message and what to do. */
  error(error: unknown, machine: string | undefined = this.machine): void {
    const event: ProgressErrorEvent = {
      type: 'error',
      ...this.base(machine ?? null),
      code: errorCode(error),
      message: error instanceof Error ? error.message : String(error),
      actions: errorActions(error),
      time: this.time(),
    };
    this.emit(event);
  }

  private base(machine: string | null) {
    return { command: this.options.command, machine };
  }

  private time(): string {
    return this.now().toISOString();
  }

  private emit(event: ProgressEvent): void {
    this.write(jsonLine(event));
  }
}

/**
 * A Berth error's own code; a command line refused (by oclif, or by the command's own checks
 * through `this.error`) is `UsageError`; anything else is a bug, `Internal`.
 */
export function errorCode(error: unknown): string {
  if (isBerthError(error)) return error.code;
  if (error instanceof UsageError || error instanceof Errors.CLIError) return USAGE_ERROR_CODE;
  return 'Internal';
}

function errorActions(error: unknown): string[] {
  if (isBerthError(error)) return [...error.actions];
  if (error instanceof UsageError) return [error.hint];
  const actions = (error as { actions?: unknown }).actions;
  return Array.isArray(actions) ? actions.filter((action): action is string => typeof action === 'string') : [];
}
