import {
  BerthError,
  InternalError,
  InvalidFlagError,
  isBerthError,
  MachineNotRunningError,
  NotSupportedError,
  TimeoutError,
} from '@berth/driver-protocol';
import {
  PowerShellCommandError,
  PowerShellExitedError,
  PowerShellNotFoundError,
  PowerShellTimeoutError,
} from './powershell/powershell-errors.js';

// What a failure in Hyper-V or its PowerShell session means to the user. Decisions are made on the
// error record's FullyQualifiedErrorId (messages are localized); the message is always shown with it.

/** The Windows feature that holds the Hyper-V PowerShell module. */
export const MODULE_FEATURE = 'Microsoft-Hyper-V-Management-PowerShell';
const ENABLE_MODULE = `Enable the Windows feature ${MODULE_FEATURE} in an elevated PowerShell: Enable-WindowsOptionalFeature -Online -FeatureName ${MODULE_FEATURE} (Hyper-V itself: -FeatureName Microsoft-Hyper-V -All; Windows Pro, Enterprise, Education or Server).`;
const JOIN_GROUP =
  'Add yourself to Hyper-V Administrators in an elevated prompt: net localgroup "Hyper-V Administrators" %USERNAME% /add, then sign out and in again (membership applies at logon); or run berth from an elevated prompt.';
const POWERSHELL_NEEDED =
  'Hyper-V machines are managed on Windows with the Hyper-V PowerShell module: run berth on the Windows host, in a shell where powershell.exe (Windows PowerShell 5.1) is on PATH.';

/** A statement's id prefix (`OutOfMemory` of `OutOfMemory,Microsoft.HyperV.PowerShell.Commands.StartVM`). */
export function errorKind(error: PowerShellCommandError): string {
  return error.errorId.split(',')[0] ?? '';
}

/** Hyper-V already has a VM of the machine's name (one Berth did not make for it). */
export class HypervVmExistsError extends BerthError {
  override readonly code = 'MachineExists' as const;
}

/** powershell.exe is missing. Before create, in docker-machine's words; afterwards, saying what to install. */
export function powershellMissing(executable: string, beforeCreate: boolean): NotSupportedError {
  if (beforeCreate) {
    return new NotSupportedError('Powershell was not found in the path', {
      actions: [POWERSHELL_NEEDED],
      data: { executable },
    });
  }
  return new NotSupportedError(
    `${executable} was not found in the path: the hyperv driver controls Hyper-V through it`,
    {
      actions: [POWERSHELL_NEEDED, ENABLE_MODULE],
      data: { executable },
    },
  );
}

export function moduleMissing(cause?: unknown): NotSupportedError {
  return new NotSupportedError('Hyper-V PowerShell Module is not available', {
    actions: [ENABLE_MODULE],
    data: { feature: MODULE_FEATURE },
    ...(cause ? { cause } : {}),
  });
}

export function notPrivileged(): NotSupportedError {
  return new NotSupportedError(
    'Hyper-V commands have to be run as an Administrator or a member of the Hyper-V Administrators group',
    { actions: [JOIN_GROUP] },
  );
}

/** The VM of a machine is gone from Hyper-V (deleted in Hyper-V Manager, or never made). */
export function vmMissing(machine: string): MachineNotRunningError {
  return new MachineNotRunningError(`Hyper-V has no virtual machine named "${machine}"`, {
    actions: [
      `If it was deleted in Hyper-V Manager, remove the machine with \`berth rm -f ${machine}\`.`,
      `Hyper-V shows a user who is neither an Administrator nor in Hyper-V Administrators no VMs: ${JOIN_GROUP}`,
    ],
    data: { machine },
  });
}

export interface FailureOptions {
  /** Before the machine exists (pre-create): a missing powershell.exe gets docker-machine's message. */
  beforeCreate?: boolean;
  /** The user has neither right (found after a VirtualizationException): say how to get one. */
  unprivileged?: boolean;
}

/**
 * A Berth error for a failed Hyper-V call, `doing` saying what failed ("Hyper-V could not start
 * machine "dev""). Berth errors (a cancel) pass through.
 */
export function hypervFailure(error: unknown, doing: string, options: FailureOptions = {}): BerthError {
  if (isBerthError(error)) return error;
  if (error instanceof PowerShellNotFoundError)
    return powershellMissing(error.executable, options.beforeCreate === true);
  if (error instanceof PowerShellCommandError) {
    const data = { statement: error.statement, errorId: error.errorId, category: error.category };
    const message = `${doing}: ${error.message}`;
    const kind = errorKind(error);
    if (kind === 'CommandNotFoundException') {
      return new NotSupportedError(message, { actions: [ENABLE_MODULE], data, cause: error });
    }
    if (kind === 'OutOfMemory') {
      return new InvalidFlagError(message, {
        actions: [
          'Close other VMs or programs, or give the machine less memory (--hyperv-memory at create).',
          'Or leave dynamic memory on (no --hyperv-disable-dynamic-memory), so Hyper-V starts it with what is free.',
        ],
        data: { ...data, flag: 'hyperv-memory' },
        cause: error,
      });
    }
    const actions = options.unprivileged || error.category === 'PermissionDenied' ? [JOIN_GROUP] : [];
    return new InternalError(message, { actions, data, cause: error });
  }
  if (error instanceof PowerShellTimeoutError) {
    return new TimeoutError(`${doing}: ${error.message}`, {
      actions: [
        'Check the Hyper-V Virtual Machine Management service (vmms) and the VM in Hyper-V Manager, then retry.',
      ],
      data: { statement: error.statement },
      cause: error,
    });
  }
  if (error instanceof PowerShellExitedError) {
    return new InternalError(`${doing}: ${error.message}`, {
      data: { statement: error.statement ?? '' },
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new InternalError(`${doing}: ${reason}`, { cause: error });
}
