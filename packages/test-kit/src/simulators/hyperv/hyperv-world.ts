import type { GuestOwner } from '../guest/index.js';

/**
 * The simulated Windows host as it is stored in the state dir (`world.json`): who runs PowerShell,
 * whether the Hyper-V module is there, the virtual switches, the VMs and the fault knobs. Every
 * powershell.exe process reads and writes it under a file lock (see hyperv-registry.ts).
 */

/** VM state names as Hyper-V's `State` enum prints them (reference §3.5); the ones the simulator enters. */
export type HypervVmState = 'Off' | 'Starting' | 'Running' | 'Stopping' | 'Saved' | 'Paused';

export type SwitchType = 'Private' | 'Internal' | 'External';

export interface SimSwitch {
  Name: string;
  Id: string;
  SwitchType: SwitchType;
  /** IPv4 subnet (CIDR) of the docker network standing for the switch; needed for real guests. */
  subnet?: string;
  /** Whether guests get an IPv4 lease on it (default true); false: only fe80:: is reported. */
  dhcp?: boolean;
  NetAdapterInterfaceDescription?: string;
}

export interface HypervPrincipal {
  Administrator: boolean;
  HyperVAdministrator: boolean;
}

export interface HypervFaults {
  /** Stop-VM (graceful) gets no answer from the guest's shutdown service: the NonInteractive prompt error. */
  shutdownIgnored: boolean;
  /** The guest reports only its fe80:: address, never an IPv4. */
  ipv6Only: boolean;
  /** The guest never reports an address (no KVP daemon answering). */
  neverReportIp: boolean;
  /** Each powershell.exe waits this long before it reads its first statement (a slow PowerShell start). */
  slowSpawnMs: number;
  /** How long a graceful shutdown takes when no guest container runs (guests: false). */
  stopDelayMs: number;
  /** Start-VM: the hypervisor is not running (VT-x off in firmware). */
  hypervisorNotRunning: boolean;
  /** Start-VM: the host is short of memory. */
  outOfMemory: boolean;
}

export const DEFAULT_FAULTS: HypervFaults = {
  shutdownIgnored: false,
  ipv6Only: false,
  neverReportIp: false,
  slowSpawnMs: 0,
  stopDelayMs: 200,
  hypervisorNotRunning: false,
  outOfMemory: false,
};

/** The Default Switch's GUID is the same on every Windows host (reference §3.3). */
export const DEFAULT_SWITCH_ID = 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444';

export const DEFAULT_SWITCHES: readonly SimSwitch[] = [
  { Name: 'Default Switch', Id: DEFAULT_SWITCH_ID, SwitchType: 'Internal', subnet: '192.168.240.0/24' },
  {
    Name: 'External Wireless',
    Id: '5f3e8d52-7a4e-4e0f-9b8a-2f7c3d1e6a90',
    SwitchType: 'External',
    subnet: '192.168.25.0/24',
    NetAdapterInterfaceDescription: 'Intel(R) Wi-Fi 6 AX201 160MHz',
  },
];

/** What the guest of a running VM is, when the simulator runs real guests. */
export interface VmGuestRecord {
  /** The guest module's handle data (container name etc.), opaque to the host model. */
  container: string;
  ipv4: string;
  /** Whether the applied seed's user-data lists `hyperv-daemons` (the KVP daemon that reports addresses). */
  kvpDaemon: boolean;
  /** Set once the guest's sshd answered: from then on it reports addresses. */
  reporting: boolean;
}

export interface VmRecord {
  name: string;
  id: string;
  path: string;
  generation: 1 | 2;
  memoryStartupBytes: number;
  dynamicMemoryEnabled: boolean;
  processorCount: number;
  state: HypervVmState;
  switchName: string;
  /** 12 hex digits, no separators (how Hyper-V shows MacAddress). */
  macAddress: string;
  staticMac: boolean;
  vlanId?: number;
  secureBootTemplate?: string;
  dvdPaths: string[];
  hardDisks: string[];
  /** IPv4 leased on the switch's subnet at first start, kept (as a DHCP lease usually is). */
  leasedIpv4?: string;
  /** guests: false: when a graceful shutdown in progress completes (epoch ms). */
  stopAt?: number;
  guest?: VmGuestRecord;
}

/** Media the VHD cmdlets made, so tests can see what the driver produced. */
export interface VhdRecord {
  path: string;
  format: 'VHD' | 'VHDX';
  type: 'Fixed' | 'Dynamic';
  sizeBytes: number;
}

export interface HypervWorld {
  hostName: string;
  principal: HypervPrincipal;
  moduleInstalled: boolean;
  switches: SimSwitch[];
  vms: VmRecord[];
  vhds: VhdRecord[];
  faults: HypervFaults;
  /** Who real guests belong to and what they boot; undefined with guests: false (state only, no containers). */
  guests?: GuestOwner;
}

export const DEFAULT_HOST_NAME = 'DESKTOP-4K2L9QF';
