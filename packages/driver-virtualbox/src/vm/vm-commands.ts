/** How the VM boots: Berth's cloud image with a NoCloud seed, or a boot2docker ISO with its data disk. */
export type BootMedia = 'cloud-image' | 'boot2docker';

export interface VmSettings {
  name: string;
  /** As stored: < 1 means every host CPU. */
  cpus: number;
  /** MB. */
  memory: number;
  hostDnsResolver: boolean;
  dnsProxy: boolean;
  boot: BootMedia;
}

/** VirtualBox's ceiling on a VM's CPUs as Docker Machine applied it. */
const MAX_CPUS = 32;

/** CPUs for `modifyvm`: < 1 means all the host's (Docker Machine), at most 32. */
export function vmCpuCount(requested: number, hostCpus: number): number {
  return Math.min(requested < 1 ? hostCpus : requested, MAX_CPUS);
}

const onOff = (value: boolean) => (value ? 'on' : 'off');

/** The `modifyvm` that sets a new VM up (Docker Machine's settings; the boot order fits the media). */
export function vmSetupArgs(settings: VmSettings, hostCpus: number): string[] {
  const cloud = settings.boot === 'cloud-image';
  return [
    'modifyvm',
    settings.name,
    '--firmware',
    'bios',
    '--ostype',
    cloud ? 'Debian_64' : 'Linux26_64',
    '--cpus',
    String(vmCpuCount(settings.cpus, hostCpus)),
    '--memory',
    String(settings.memory),
    '--acpi',
    'on',
    '--ioapic',
    'on',
    '--rtcuseutc',
    'on',
    '--natdnshostresolver1',
    onOff(settings.hostDnsResolver),
    '--natdnsproxy1',
    onOff(settings.dnsProxy),
    '--cpuhotplug',
    'off',
    '--pae',
    'on',
    '--hpet',
    'on',
    '--hwvirtex',
    'on',
    '--nestedpaging',
    'on',
    '--largepages',
    'on',
    '--vtxvpid',
    'on',
    '--accelerate3d',
    'off',
    '--boot1',
    cloud ? 'disk' : 'dvd',
    '--boot2',
    cloud ? 'dvd' : 'disk',
  ];
}

export function natNicArgs(name: string, nicType: string): string[] {
  return ['modifyvm', name, '--nic1', 'nat', '--nictype1', nicType, '--cableconnected1', 'on'];
}

export function hostOnlyNicArgs(name: string, adapter: string, nicType: string, promisc: string): string[] {
  return [
    'modifyvm',
    name,
    '--nic2',
    'hostonly',
    '--nictype2',
    nicType,
    '--nicpromisc2',
    promisc,
    '--hostonlyadapter2',
    adapter,
    '--cableconnected2',
    'on',
  ];
}

/** The NAT rule forwarding 127.0.0.1:<port> to the guest's sshd (named `ssh`, as Docker Machine's). */
export function sshForwardArgs(name: string, port: number): string[] {
  return ['modifyvm', name, '--natpf1', `ssh,tcp,127.0.0.1,${port},,22`];
}

export interface Attachment {
  port: number;
  type: 'hdd' | 'dvddrive';
  medium: string;
}

/** Cloud image: the disk on port 0, the seed behind it; boot2docker: the ISO on port 0, the disk on 1 (Docker Machine's layout). */
export function attachments(boot: BootMedia, disk: string, other: string): Attachment[] {
  return boot === 'cloud-image'
    ? [
        { port: 0, type: 'hdd', medium: disk },
        { port: 1, type: 'dvddrive', medium: other },
      ]
    : [
        { port: 0, type: 'dvddrive', medium: other },
        { port: 1, type: 'hdd', medium: disk },
      ];
}

export function storageAttachArgs(name: string, attachment: Attachment): string[] {
  return [
    'storageattach',
    name,
    '--storagectl',
    'SATA',
    '--port',
    String(attachment.port),
    '--device',
    '0',
    '--type',
    attachment.type,
    '--medium',
    attachment.medium,
  ];
}
