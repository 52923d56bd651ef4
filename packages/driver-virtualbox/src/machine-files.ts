import { join } from 'node:path';

/** Files the driver keeps in the machine directory (the host deletes the directory itself). */
export const MACHINE_FILES = {
  seed: 'seed.iso',
  disk: 'disk.vmdk',
  raw: 'disk.raw',
  iso: 'boot2docker.iso',
  key: 'id_rsa',
  knownHosts: 'known_hosts',
} as const;

export type MachineFile = keyof typeof MACHINE_FILES;

export function machineFile(machineDir: string, file: MachineFile): string {
  return join(machineDir, MACHINE_FILES[file]);
}

/** Kinds of journal entries: what the driver made, each removed in reverse order on failure and by rm. */
export const JOURNAL_KIND = {
  /** A registered VM (id: its name). */
  vm: 'vm',
  /** A medium in VirtualBox's registry (id: its path). */
  medium: 'medium',
  /** A host-only adapter Berth created (id: its name). */
  adapter: 'hostonlyif',
  /** A DHCP server Berth added (id: its network name). */
  dhcpServer: 'dhcpserver',
  /** A file in the machine directory (id: its name there). */
  file: 'file',
} as const;

/** Global extradata key marking a host-only adapter as Berth's: it is removed when its last VM goes. */
export const adapterMarkKey = (adapter: string): string => `Berth/HostOnlyAdapter/${adapter}`;
export const ADAPTER_MARK_VALUE = 'created';

/** VirtualBox's name of the network (and DHCP server) of a host-only adapter. */
export const hostOnlyNetworkName = (adapter: string): string => `HostInterfaceNetworking-${adapter}`;
