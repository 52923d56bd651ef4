import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { REGISTRY_FILE } from './sim-config.js';

/** VMState short names the simulator produces (reference §3.2, §8.1). */
export type VmState = 'poweroff' | 'running' | 'paused' | 'saved' | 'aborted';

export type NicAttachment =
  | 'none'
  | 'null'
  | 'nat'
  | 'bridged'
  | 'intnet'
  | 'hostonly'
  | 'hostonlynet'
  | 'generic'
  | 'natnetwork';

export interface NatRule {
  name: string;
  proto: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
  guestIp: string;
  guestPort: number;
}

export interface NicRecord {
  attachment: NicAttachment;
  nictype: string;
  /** 12 upper-case hex digits (080027XXXXXX). */
  mac: string;
  cable: boolean;
  promisc: string;
  speed: number;
  hostOnlyAdapter?: string;
  natRules: NatRule[];
  natDnsHostResolver: boolean;
  natDnsProxy: boolean;
}

export interface AttachmentRecord {
  port: number;
  device: number;
  type: 'hdd' | 'dvddrive' | 'fdd';
  /** Absolute path, `emptydrive` (a DVD drive with nothing in it). */
  medium: string;
  uuid?: string;
}

export interface StorageControllerRecord {
  name: string;
  bus: string;
  /** showvminfo's storagecontrollertype (IntelAhci, PIIX4, ...). */
  type: string;
  portCount: number;
  hostIoCache: boolean;
  bootable: boolean;
  attachments: AttachmentRecord[];
}

export interface SharedFolderRecord {
  name: string;
  hostPath: string;
  automount: boolean;
  readonly: boolean;
}

/** What the running guest is, for showvminfo and the test handle. */
export interface GuestRecord {
  container: string;
  hostname: string;
  /** The guest's address on the NAT network (the forwarders' target). */
  natIp?: string;
  /** The host-only lease, if any. */
  hostOnlyIp?: string;
}

export interface VmRecord {
  name: string;
  uuid: string;
  /** `--basefolder` (the VM's files are in basefolder/name). */
  basefolder: string;
  cfgFile: string;
  ostype: string;
  state: VmState;
  /** ISO time of the last state change (VMStateChangeTime). */
  stateChangedAt: string;
  memory: number;
  cpus: number;
  vram: number;
  firmware: string;
  chipset: string;
  /** on/off switches and other single values (acpi, ioapic, hpet, ...), by modifyvm's option name. */
  flags: Record<string, string>;
  boot: [string, string, string, string];
  nics: NicRecord[];
  storage: StorageControllerRecord[];
  sharedFolders: SharedFolderRecord[];
  guestProperties: Record<string, string>;
  extraData: Record<string, string>;
  description: string;
  /** When an ACPI shutdown without guest completes (ms since epoch). */
  acpiOffAt?: number;
  /** Set while a guest container exists for the VM (guests mode). */
  guest?: GuestRecord;
}

export interface HostOnlyIfRecord {
  name: string;
  ip: string;
  netmask: string;
  dhcp: boolean;
  ipv6: string;
  ipv6PrefixLength: number;
  /** Index in the `vboxnetN` numbering (HardwareAddress, GUID). */
  index: number;
}

export interface DhcpServerRecord {
  networkName: string;
  ip: string;
  netmask: string;
  lowerIp: string;
  upperIp: string;
  enabled: boolean;
  /** MAC (12 hex, upper case) -> leased address; a MAC keeps its lease. */
  leases: Record<string, string>;
}

export interface MediumRecord {
  uuid: string;
  path: string;
  type: 'hdd' | 'dvd' | 'floppy';
  format: string;
  /** Logical size in MB (the file may be sparse or a stub). */
  capacityMb: number;
}

export interface Registry {
  vms: VmRecord[];
  hostOnlyIfs: HostOnlyIfRecord[];
  dhcpServers: DhcpServerRecord[];
  media: MediumRecord[];
  globalExtraData: Record<string, string>;
}

export function emptyRegistry(): Registry {
  return { vms: [], hostOnlyIfs: [], dhcpServers: [], media: [], globalExtraData: {} };
}

export async function readRegistry(stateDir: string): Promise<Registry> {
  const text = await readFile(join(stateDir, REGISTRY_FILE), 'utf8').catch(() => '');
  return text ? { ...emptyRegistry(), ...(JSON.parse(text) as Partial<Registry>) } : emptyRegistry();
}

/** Replaces the registry file atomically (readers never see half of it). */
export async function writeRegistry(stateDir: string, registry: Registry): Promise<void> {
  const path = join(stateDir, REGISTRY_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(registry, null, 1)}\n`);
  await rename(temporary, path);
}

/**
 * Runs `work` holding the registry's lock (VBoxSVC serialises its clients the same way), so
 * calls that race (a bench's parallel `ls`, a test's concurrent starts) see one another's changes.
 * A start may hold it for seconds while docker starts the guest, hence the long retry budget.
 */
export async function withRegistryLock<T>(stateDir: string, work: () => Promise<T>): Promise<T> {
  const path = join(stateDir, REGISTRY_FILE);
  const release = await lockfile.lock(path, {
    realpath: false,
    stale: 20_000,
    update: 5_000,
    retries: { retries: 3000, factor: 1, minTimeout: 20, maxTimeout: 20 },
  });
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
  }
}

export function newUuid(): string {
  return randomUUID();
}

/** Finds a VM by name or UUID (VirtualBox accepts both, UUIDs with or without braces). */
export function findVm(registry: Registry, nameOrUuid: string): VmRecord | undefined {
  const bare = nameOrUuid.replace(/^\{|\}$/g, '').toLowerCase();
  return registry.vms.find((vm) => vm.name === nameOrUuid) ?? registry.vms.find((vm) => vm.uuid === bare);
}

/** A fresh VirtualBox MAC: the 080027 OUI and three random bytes. */
export function newMac(): string {
  const tail = Array.from({ length: 3 }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');
  return `080027${tail}`.toUpperCase();
}

export function defaultNic(index: number): NicRecord {
  return {
    attachment: index === 0 ? 'nat' : 'none',
    nictype: '82540EM',
    mac: newMac(),
    cable: true,
    promisc: 'deny',
    speed: 0,
    natRules: [],
    natDnsHostResolver: false,
    natDnsProxy: false,
  };
}
