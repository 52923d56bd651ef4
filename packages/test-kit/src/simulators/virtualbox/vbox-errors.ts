/**
 * How a VBoxManage invocation fails: `VBoxManageError` prints its lines after the
 * `VBoxManage: error: ` prefix and exits 1; `VBoxManageSyntaxError` prints the command's usage and
 * exits 2. `code` is the COM/VBox status the text names, for tests that decide on it.
 */
export class VBoxManageError extends Error {
  override readonly name = 'VBoxManageError';
  constructor(
    readonly code: string,
    /** Lines after the prefix; the first is the message. */
    readonly lines: readonly string[],
    /** What went to stderr before the error lines (a progress bar that stopped). */
    readonly before = '',
  ) {
    super(lines[0] ?? code);
  }
}

export class VBoxManageSyntaxError extends Error {
  override readonly name = 'VBoxManageSyntaxError';
  readonly code = 'RTEXITCODE_SYNTAX';
  constructor(
    message: string,
    /** Usage lines of the command (`VBoxManage modifyvm <uuid|vmname> ...`). */
    readonly usage: readonly string[],
  ) {
    super(message);
  }
}

/** Machine lookup failed (reference §4, the first row). */
export function machineNotFound(name: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_OBJECT_NOT_FOUND', [
    `Could not find a registered machine named '${name}'`,
    'Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
    'Context: "FindMachine(Bstr(VMNameOrUuid).raw(), machine.asOutParam())" at line 2966 of file VBoxManageInfo.cpp',
  ]);
}

export function notRunning(name: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_INVALID_VM_STATE', [`Machine '${name}' is not currently running`]);
}

export function lockedForSession(name: string, context: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_INVALID_OBJECT_STATE', [
    `The machine '${name}' is already locked for a session (or being unlocked)`,
    'Details: code VBOX_E_INVALID_OBJECT_STATE (0x80bb0007), component MachineWrap, interface IMachine, callee nsISupports',
    `Context: "${context}" at line 640 of file VBoxManageModifyVM.cpp`,
  ]);
}

export function lockedBySession(name: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_INVALID_OBJECT_STATE', [
    `The machine '${name}' is already locked by a session (or being locked or unlocked)`,
    'Details: code VBOX_E_INVALID_OBJECT_STATE (0x80bb0007), component MachineWrap, interface IMachine, callee nsISupports',
    'Context: "LaunchVMProcess(a->session, sessionType.raw(), ComSafeArrayAsInParam(aBstrEnv), progress.asOutParam())" at line 881 of file VBoxManageMisc.cpp',
  ]);
}

export function notMutable(state: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_INVALID_VM_STATE', [
    `The machine is not mutable (state is ${state})`,
    'Details: code VBOX_E_INVALID_VM_STATE (0x80bb0002), component SessionMachine, interface IMachine, callee nsISupports',
  ]);
}

export function invalidArg(message: string, context: string): VBoxManageError {
  return new VBoxManageError('E_INVALIDARG', [
    message,
    'Details: code E_INVALIDARG (0x80070057), component SessionMachine, interface IMachine, callee nsISupports',
    `Context: "${context}"`,
  ]);
}

export function fileNotFound(path: string): VBoxManageError {
  return new VBoxManageError('VBOX_E_FILE_ERROR', [
    `Could not find file for the medium '${path}' (VERR_FILE_NOT_FOUND)`,
    'Details: code VBOX_E_FILE_ERROR (0x80bb0004), component MediumWrap, interface IMedium, callee nsISupports',
    'Context: "OpenMedium(Bstr(pszFilenameOrUuid).raw(), enmDevType, enmAccessMode, fForceNewUuidOnOpen, pMedium.asOutParam())" at line 201 of file VBoxManageDisk.cpp',
  ]);
}
