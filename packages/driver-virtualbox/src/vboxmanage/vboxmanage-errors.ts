import { type BerthErrorOptions, InternalError, TimeoutError } from '@berth/driver-protocol';
import type { VBoxFailureKind } from './stderr-kind.js';

/** What was run and what VirtualBox said: every VBoxManage error carries it, in message and data. */
export interface VBoxManageCall {
  /** The resolved VBoxManage path, then the arguments. */
  argv: string[];
  exitCode: number | null;
  stderr: string;
}

/** A VBoxManage call that failed. `kind` says what VirtualBox meant (see stderr-kind.ts). */
export class VBoxManageError extends InternalError {
  readonly kind: VBoxFailureKind;
  readonly call: VBoxManageCall;

  constructor(message: string, kind: VBoxFailureKind, call: VBoxManageCall, options: BerthErrorOptions = {}) {
    super(message, {
      ...options,
      data: { ...options.data, argv: call.argv, exitCode: call.exitCode, stderr: call.stderr, kind },
    });
    this.kind = kind;
    this.call = call;
  }
}

/** VBoxManage did not finish in time and was ended. */
export class VBoxManageTimeoutError extends TimeoutError {}
