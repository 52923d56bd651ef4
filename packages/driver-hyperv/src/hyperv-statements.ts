import { psString } from './powershell/ps-literal.js';

/**
 * The statements the driver sends (the BODY of a session request), one function each. Cmdlets are
 * module-qualified (`Hyper-V\Get-VM`), so VMware PowerCLI's same-named cmdlets never answer; every
 * name and path is a quoted literal (bare names are parsed as numbers when they look like one).
 * Queries select flat properties, enums as their names (`"$($_.State)"`): their numbers vary.
 */

const VM_COLUMNS =
  "Name, @{n='Id';e={\"$($_.VMId)\"}}, @{n='State';e={\"$($_.State)\"}}, @{n='IPAddresses';e={@($_.NetworkAdapters | ForEach-Object { $_.IPAddresses })}}";

/** B1: the Hyper-V module is there (answers ["Get-VM"], or [] without it). */
export function moduleStatement(): string {
  return "Get-Command -Name 'Hyper-V\\Get-VM' -ErrorAction SilentlyContinue | Select-Object -ExpandProperty Name";
}

/** B2: whether the user is an Administrator (elevated) and a member of Hyper-V Administrators (S-1-5-32-578). */
export function principalStatement(): string {
  return "$p = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent(); [pscustomobject]@{ Administrator = $p.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator); HyperVAdministrator = $p.IsInRole([Security.Principal.SecurityIdentifier]::new('S-1-5-32-578')) }";
}

/** B3: every virtual switch, with its GUID and type name. */
export function switchesStatement(): string {
  return 'Hyper-V\\Get-VMSwitch | Select-Object Name, @{n=\'Id\';e={"$($_.Id)"}}, @{n=\'SwitchType\';e={"$($_.SwitchType)"}}';
}

/** B4: every VM with its state and the addresses its guest reports. */
export function vmsStatement(): string {
  return `Hyper-V\\Get-VM | Select-Object ${VM_COLUMNS}`;
}

/** B5: one VM (an error record with id InvalidParameter,...GetVM when there is none). */
export function vmStatement(name: string): string {
  return `Hyper-V\\Get-VM -Name ${psString(name)} | Select-Object ${VM_COLUMNS}`;
}

/** B6: the fixed VHD made into a dynamic VHDX (the source is deleted). */
export function convertVhdStatement(source: string, destination: string): string {
  return `Hyper-V\\Convert-VHD -Path ${psString(source)} -DestinationPath ${psString(destination)} -VHDType Dynamic -DeleteSource`;
}

export interface NewVmSpec {
  name: string;
  machineDir: string;
  memoryMb: number;
  switchName: string;
  vhdPath: string;
}

/** B7: a generation 2 (UEFI) VM booting the VHDX, its one network adapter on the switch. */
export function newVmStatement(spec: NewVmSpec): string {
  return (
    `Hyper-V\\New-VM -Name ${psString(spec.name)} -Path ${psString(spec.machineDir)} -Generation 2 ` +
    `-MemoryStartupBytes ${spec.memoryMb}MB -SwitchName ${psString(spec.switchName)} -VHDPath ${psString(spec.vhdPath)}`
  );
}

/** B8: Secure Boot with the template that trusts Linux boot loaders (shim). */
export function secureBootStatement(name: string): string {
  return `Hyper-V\\Set-VMFirmware -VMName ${psString(name)} -SecureBootTemplate 'MicrosoftUEFICertificateAuthority'`;
}

/** B9: the cloud-init seed as a DVD. */
export function addDvdStatement(name: string, isoPath: string): string {
  return `Hyper-V\\Add-VMDvdDrive -VMName ${psString(name)} -Path ${psString(isoPath)}`;
}

/** B10: fixed memory. */
export function staticMemoryStatement(name: string): string {
  return `Hyper-V\\Set-VMMemory -VMName ${psString(name)} -DynamicMemoryEnabled $false`;
}

/** B10: CPU count. */
export function processorStatement(name: string, count: number): string {
  return `Hyper-V\\Set-VMProcessor -VMName ${psString(name)} -Count ${integer(count)}`;
}

/** B10: a static MAC address (12 hex digits). */
export function staticMacStatement(name: string, mac: string): string {
  if (!/^[0-9A-F]{12}$/.test(mac)) throw new RangeError(`not a 12-hex-digit MAC address: ${mac}`);
  return `Hyper-V\\Set-VMNetworkAdapter -VMName ${psString(name)} -StaticMacAddress '${mac}'`;
}

/** B10: an access VLAN. */
export function vlanStatement(name: string, vlanId: number): string {
  return `Hyper-V\\Set-VMNetworkAdapterVlan -VMName ${psString(name)} -Access -VlanId ${integer(vlanId)}`;
}

/** B11 */
export function startVmStatement(name: string): string {
  return `Hyper-V\\Start-VM -Name ${psString(name)}`;
}

/** B12: a shutdown through the guest's integration service; Stop-VM waits for it. */
export function stopVmStatement(name: string): string {
  return `Hyper-V\\Stop-VM -Name ${psString(name)}`;
}

/** B13: power off at once. */
export function turnOffVmStatement(name: string): string {
  return `Hyper-V\\Stop-VM -Name ${psString(name)} -TurnOff`;
}

/** B14: the VM's definition (its disks stay; the driver deletes the files it made). */
export function removeVmStatement(name: string): string {
  return `Hyper-V\\Remove-VM -Name ${psString(name)} -Force`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return String(value);
}
