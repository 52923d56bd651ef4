/**
 * Where a command's progress goes: the lines docker-machine printed, or (`--progress json`) one
 * JSON object per line. Commands print every step and note through this, never `this.log`, so
 * the format is chosen in one place.
 */
export interface ProgressOutput {
  readonly json: boolean;
  /** A step of the operation on `machine` (default: the command's machine). */
  step(message: string, machine?: string): void;
  /** A note that is not a step: what to run next, a warning. */
  info(message: string, machine?: string): void;
}

/** docker-machine's output: each line as it is, on stdout. */
export function textProgress(log: (line: string) => void): ProgressOutput {
  return { json: false, step: (message) => log(message), info: (message) => log(message) };
}
