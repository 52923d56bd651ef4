import type { CallContext, LogParams, ProgressParams } from '@berth/driver-protocol';

export interface CallContextOptions {
  /** Aborts the call; a fresh, never-aborted signal if absent. */
  signal?: AbortSignal;
  /** The machine the call is about: set as `machine` on every log and progress line. */
  machine?: string;
  onLog?: (params: LogParams) => void;
  onProgress?: (params: ProgressParams) => void;
}

/**
 * Builds the context a Driver method receives. `serve()` uses it with callbacks that send `$/log` and
 * `driver/progress` (`$/progress` to hosts before protocol 1.2); a host calling a driver in-process (or a test) passes its own callbacks.
 * Progress about no particular machine carries `machine: ''`.
 */
export function createCallContext(options: CallContextOptions = {}): CallContext {
  const { machine, onLog, onProgress } = options;
  return {
    signal: options.signal ?? new AbortController().signal,
    log(level, message) {
      onLog?.(machine === undefined ? { level, message } : { level, message, machine });
    },
    progress(message) {
      onProgress?.({ machine: machine ?? '', message });
    },
  };
}
