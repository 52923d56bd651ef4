import { PsError } from './ps-error.js';

/**
 * The Hyper-V module's error records (reference §4). Ids are `<ErrorId>,<command class>`; the
 * command class is what the module names each cmdlet's implementation. Messages the reference did
 * not capture (marked) are worded as Hyper-V words its neighbours; callers decide on ids.
 */
const COMMAND_CLASSES: Record<string, string> = {
  'Get-VM': 'Microsoft.HyperV.PowerShell.Commands.GetVM',
  'New-VM': 'Microsoft.HyperV.PowerShell.Commands.NewVM',
  'Start-VM': 'Microsoft.HyperV.PowerShell.Commands.StartVM',
  'Stop-VM': 'Microsoft.HyperV.PowerShell.Commands.StopVM',
  'Remove-VM': 'Microsoft.HyperV.PowerShell.Commands.RemoveVM',
  'Get-VMSwitch': 'Microsoft.HyperV.PowerShell.Commands.GetVMSwitch',
  'Set-VMFirmware': 'Microsoft.HyperV.PowerShell.Commands.SetVMFirmware',
  'Add-VMDvdDrive': 'Microsoft.HyperV.PowerShell.Commands.AddVMDvdDrive',
  'Set-VMDvdDrive': 'Microsoft.HyperV.PowerShell.Commands.SetVMDvdDrive',
  'Add-VMHardDiskDrive': 'Microsoft.HyperV.PowerShell.Commands.AddVMHardDiskDrive',
  'Set-VMMemory': 'Microsoft.HyperV.PowerShell.Commands.SetVMMemory',
  'Set-VMProcessor': 'Microsoft.HyperV.PowerShell.Commands.SetVMProcessor',
  'Set-VMNetworkAdapter': 'Microsoft.HyperV.PowerShell.Commands.SetVMNetworkAdapter',
  'Set-VMNetworkAdapterVlan': 'Microsoft.HyperV.PowerShell.Commands.SetVMNetworkAdapterVlan',
  'New-VHD': 'Microsoft.Vhd.PowerShell.Cmdlets.NewVhd',
  'Convert-VHD': 'Microsoft.Vhd.PowerShell.Cmdlets.ConvertVhd',
  'Resize-VHD': 'Microsoft.Vhd.PowerShell.Cmdlets.ResizeVhd',
};

export function commandClass(cmdlet: string): string {
  const found = COMMAND_CLASSES[cmdlet];
  if (!found) throw new Error(`no command class known for ${cmdlet}`);
  return found;
}

function hypervError(
  cmdlet: string,
  errorId: string,
  category: string,
  message: string,
  target: string,
  nonTerminating = false,
): PsError {
  return new PsError({
    message,
    id: `${errorId},${commandClass(cmdlet)}`,
    category,
    targetName: target,
    targetType: 'String',
    activity: cmdlet,
    reason: 'VirtualizationException',
    nonTerminating,
  });
}

/** Get-VM's is non-terminating (`( Get-VM x ).state` exits 0); on other cmdlets the lookup fails them. */
export function vmNotFound(cmdlet: string, name: string): PsError {
  return hypervError(
    cmdlet,
    'InvalidParameter',
    'InvalidArgument',
    `Hyper-V was unable to find a virtual machine with name "${name}".`,
    name,
    cmdlet === 'Get-VM',
  );
}

/** (wording not captured) */
export function switchNotFound(cmdlet: string, name: string): PsError {
  return hypervError(
    cmdlet,
    'InvalidParameter',
    'InvalidArgument',
    `Hyper-V was unable to find a virtual switch with name "${name}".`,
    name,
  );
}

export function memoryNotAligned(megabytes: number): PsError {
  return hypervError(
    'New-VM',
    'InvalidArgument',
    'InvalidArgument',
    "Failed to modify device 'Memory'.\r\n" +
      `The memory value assigned ('${megabytes}' MB) is not properly aligned. ` +
      'Try again with a memory value that is properly aligned.',
    'Memory',
  );
}

export function permissionDenied(cmdlet: string, hostName: string, target: string): PsError {
  return hypervError(
    cmdlet,
    'VirtualizationException',
    'PermissionDenied',
    'You do not have the required permission to complete this task. ' +
      `Contact the administrator of the authorization policy for the computer '${hostName}'.`,
    target,
  );
}

/** A cmdlet that wants to ask (Stop-VM whose guest does not answer, Remove-VM without -Force) under -NonInteractive. */
export function nonInteractivePrompt(cmdlet: string, name: string): PsError {
  return new PsError({
    message: 'Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
    id: `InvalidOperation,${commandClass(cmdlet)}`,
    category: 'InvalidOperation',
    targetName: name,
    targetType: 'String',
    activity: cmdlet,
    reason: 'PSInvalidOperationException',
    nonTerminating: false,
  });
}

/** (wording not captured) Remove-VM of a VM that is not off. */
export function vmNotOff(cmdlet: string, name: string, state: string): PsError {
  return hypervError(
    cmdlet,
    'InvalidState',
    'InvalidOperation',
    `The operation cannot be performed while the virtual machine '${name}' is in its current state (${state}).`,
    name,
  );
}

export function vmAlreadyExists(name: string): PsError {
  return hypervError(
    'New-VM',
    'InvalidParameter',
    'InvalidArgument',
    `Failed to create a new virtual machine.\r\nThe virtual machine '${name}' already exists.`,
    name,
  );
}

export function hypervisorNotRunning(name: string): PsError {
  return hypervError(
    'Start-VM',
    'InvalidOperation',
    'InvalidOperation',
    `'${name}' failed to start.\r\nVirtual machine '${name}' could not be started because the hypervisor is not running.`,
    name,
  );
}

export function outOfMemory(name: string): PsError {
  return hypervError(
    'Start-VM',
    'OutOfMemory',
    'ResourceUnavailable',
    `'${name}' failed to start.\r\nNot enough memory in the system to start the virtual machine ${name}.\r\n` +
      'Could not initialize memory: Not enough memory resources are available to complete this operation. (0x8007000E).',
    name,
  );
}

/** (wording not captured) The simulated guest could not be powered on (its container failed). */
export function guestFailedToStart(name: string, detail: string): PsError {
  return hypervError(
    'Start-VM',
    'InvalidOperation',
    'InvalidOperation',
    `'${name}' failed to start.\r\n${detail}`,
    name,
  );
}

/** (wording not captured) A VHD cmdlet given a path that is not there. */
export function fileNotFound(cmdlet: string, path: string): PsError {
  return hypervError(
    cmdlet,
    'ObjectNotFound',
    'ObjectNotFound',
    `The system cannot find the file specified.\r\nThe path '${path}' does not exist.`,
    path,
  );
}

/** (wording not captured) A VHD cmdlet whose destination is already there. */
export function fileExists(cmdlet: string, path: string): PsError {
  return hypervError(cmdlet, 'InvalidParameter', 'InvalidArgument', `The file '${path}' already exists.`, path);
}

/** (wording not captured) Convert-VHD of a file with no VHD footer. */
export function notAVirtualDisk(cmdlet: string, path: string): PsError {
  return hypervError(
    cmdlet,
    'InvalidParameter',
    'InvalidArgument',
    `Failed to convert the virtual disk.\r\nThe file '${path}' is not a virtual hard disk file: it has no VHD footer.`,
    path,
  );
}

/** Resize-VHD run by a Hyper-V administrator who is not a Windows administrator (issue #2232). */
export function generalAccessDenied(cmdlet: string, path: string): PsError {
  return hypervError(cmdlet, 'AccessDenied', 'PermissionDenied', 'General access denied', path);
}

/** (wording not captured) A MAC address Set-VMNetworkAdapter cannot take. */
export function invalidMacAddress(text: string): PsError {
  return hypervError(
    'Set-VMNetworkAdapter',
    'InvalidParameter',
    'InvalidArgument',
    `The MAC address '${text}' is not valid: it must be 12 hexadecimal digits.`,
    text,
  );
}
