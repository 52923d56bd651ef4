import { dirname, join } from 'node:path';
import type { NicRecord, VmRecord, VmState } from './registry.js';

/** `ostype` ids to the description VirtualBox prints (`ostype="..."`, `Guest OS:`). */
const OS_TYPES: Record<string, string> = {
  Linux26_64: 'Linux 2.6 / 3.x / 4.x / 5.x (64-bit)',
  Linux26: 'Linux 2.6 / 3.x / 4.x / 5.x (32-bit)',
  Debian_64: 'Debian (64-bit)',
  Debian: 'Debian (32-bit)',
  Ubuntu_64: 'Ubuntu (64-bit)',
  Linux_64: 'Other Linux (64-bit)',
  Other: 'Other/Unknown',
  Other_64: 'Other/Unknown (64-bit)',
};

export function osTypeDescription(id: string): string {
  return OS_TYPES[id] ?? id;
}

export function logFolder(vm: VmRecord): string {
  return join(dirname(vm.cfgFile), 'Logs');
}

/** Human names of the states (`list vms --long`, showvminfo without --machinereadable). */
const STATE_NAMES: Record<VmState, string> = {
  poweroff: 'powered off',
  running: 'running',
  paused: 'paused',
  saved: 'saved',
  aborted: 'aborted',
};

/** `2026-03-08T10:00:00.123000000`: VirtualBox prints nanoseconds and no zone. */
export function vboxTime(iso: string): string {
  return iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000000');
}

/** A quoted machinereadable value: `"` and `\` escaped (so Windows paths show doubled backslashes). */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function onOff(vm: VmRecord, flag: string, fallback: 'on' | 'off'): string {
  return vm.flags[flag] ?? fallback;
}

const BUS_TYPES: Record<string, string> = { sata: 'IntelAhci', ide: 'PIIX4', scsi: 'LsiLogic', sas: 'LsiLogicSas' };

export function defaultControllerType(bus: string): string {
  return BUS_TYPES[bus] ?? 'IntelAhci';
}

function nicLines(index: number, nic: NicRecord): string[] {
  const n = index + 1;
  if (nic.attachment === 'none') return [`nic${n}="none"`];
  const lines: string[] = [];
  if (nic.attachment === 'nat') lines.push(`natnet${n}="nat"`);
  if (nic.attachment === 'hostonly') lines.push(`hostonlyadapter${n}=${quoted(nic.hostOnlyAdapter ?? '')}`);
  lines.push(
    `macaddress${n}="${nic.mac}"`,
    `cableconnected${n}="${nic.cable ? 'on' : 'off'}"`,
    `nic${n}="${nic.attachment}"`,
    `nictype${n}="${nic.nictype}"`,
    `nicspeed${n}="${nic.speed}"`,
  );
  if (nic.attachment === 'nat') {
    lines.push('mtu="0"', 'sockSnd="64"', 'sockRcv="64"', 'tcpWndSnd="64"', 'tcpWndRcv="64"');
    nic.natRules.forEach((rule, i) => {
      lines.push(
        `Forwarding(${i})=${quoted(`${rule.name},${rule.proto},${rule.hostIp},${rule.hostPort},${rule.guestIp},${rule.guestPort}`)}`,
      );
    });
  }
  return lines;
}

/**
 * `showvminfo <vm> --machinereadable`, in VirtualBox's key order (the sample of reference §3.2,
 * with the keys a 7.0 host adds in between).
 */
export function machineReadable(vm: VmRecord): string[] {
  const folder = dirname(vm.cfgFile);
  const lines = [
    `name=${quoted(vm.name)}`,
    'groups="/"',
    `ostype=${quoted(osTypeDescription(vm.ostype))}`,
    `UUID="${vm.uuid}"`,
    `CfgFile=${quoted(vm.cfgFile)}`,
    `SnapFldr=${quoted(join(folder, 'Snapshots'))}`,
    `LogFldr=${quoted(logFolder(vm))}`,
    `hardwareuuid="${vm.uuid}"`,
    `memory=${vm.memory}`,
    'pagefusion="off"',
    `vram=${vm.vram}`,
    'cpuexecutioncap=100',
    `hpet="${onOff(vm, 'hpet', 'off')}"`,
    'cpu-profile="host"',
    `chipset="${vm.chipset}"`,
    `firmware="${vm.firmware}"`,
    `cpus=${vm.cpus}`,
    `pae="${onOff(vm, 'pae', 'on')}"`,
    `longmode="${onOff(vm, 'longmode', 'on')}"`,
    'triplefaultreset="off"',
    'apic="on"',
    'x2apic="on"',
    'nested-hw-virt="off"',
    'cpuid-portability-level=0',
    `bootmenu="${vm.flags.biosbootmenu ?? 'messageandmenu'}"`,
    ...vm.boot.map((device, i) => `boot${i + 1}="${device}"`),
    `acpi="${onOff(vm, 'acpi', 'on')}"`,
    `ioapic="${onOff(vm, 'ioapic', 'on')}"`,
    'biosapic="apic"',
    'biossystemtimeoffset=0',
    `rtcuseutc="${onOff(vm, 'rtcuseutc', 'off')}"`,
    `hwvirtex="${onOff(vm, 'hwvirtex', 'on')}"`,
    `nestedpaging="${onOff(vm, 'nestedpaging', 'on')}"`,
    `largepages="${onOff(vm, 'largepages', 'on')}"`,
    `vtxvpid="${onOff(vm, 'vtxvpid', 'on')}"`,
    `vtxux="${onOff(vm, 'vtxux', 'on')}"`,
    `cpuhotplug="${onOff(vm, 'cpuhotplug', 'off')}"`,
    `VMState="${vm.state}"`,
    `VMStateChangeTime="${vboxTime(vm.stateChangedAt)}"`,
    'monitorcount=1',
    `accelerate3d="${onOff(vm, 'accelerate3d', 'off')}"`,
    'accelerate2dvideo="off"',
    'teleporterenabled="off"',
    'teleporterport=0',
    'teleporteraddress=""',
    'teleporterpassword=""',
    'tracing-enabled="off"',
    'tracing-allow-vm-access="off"',
    'tracing-config=""',
    'autostart-enabled="off"',
    'autostart-delay=0',
    'defaultfrontend=""',
    'vmprocpriority="default"',
  ];
  vm.storage.forEach((controller, i) => {
    lines.push(
      `storagecontrollername${i}=${quoted(controller.name)}`,
      `storagecontrollertype${i}="${controller.type}"`,
      `storagecontrollerinstance${i}="0"`,
      `storagecontrollermaxportcount${i}="${controller.bus === 'ide' ? 2 : 30}"`,
      `storagecontrollerportcount${i}="${controller.portCount}"`,
      `storagecontrollerbootable${i}="${controller.bootable ? 'on' : 'off'}"`,
    );
  });
  for (const controller of vm.storage) {
    const highest = Math.max(-1, ...controller.attachments.map((a) => a.port));
    // VirtualBox prints every port; the abridged form stops one past the last one in use.
    const last = Math.min(controller.portCount - 1, highest + 1);
    for (let port = 0; port <= last; port += 1) {
      const devices = controller.bus === 'ide' ? [0, 1] : [0];
      for (const device of devices) {
        const attached = controller.attachments.find((a) => a.port === port && a.device === device);
        const key = `${controller.name}-${port}-${device}`;
        if (!attached) {
          lines.push(`${quoted(key)}="none"`);
          continue;
        }
        lines.push(`${quoted(key)}=${quoted(attached.medium)}`);
        if (attached.uuid) lines.push(`${quoted(`${controller.name}-ImageUUID-${port}-${device}`)}="${attached.uuid}"`);
        if (attached.type === 'dvddrive') lines.push(`${quoted(`${controller.name}-IsEjected`)}="off"`);
      }
    }
  }
  vm.nics.forEach((nic, i) => {
    lines.push(...nicLines(i, nic));
  });
  lines.push(
    'hidpointing="ps2mouse"',
    'hidkeyboard="ps2kbd"',
    'uart1="off"',
    'uart2="off"',
    'lpt1="off"',
    'lpt2="off"',
    'audio="none"',
    'clipboard="disabled"',
    'draganddrop="disabled"',
    `vrde="off"`,
    'usb="off"',
    'ehci="off"',
    'xhci="off"',
    'recording_enabled="off"',
    `description=${quoted(vm.description)}`,
  );
  vm.sharedFolders.forEach((folder, i) => {
    lines.push(
      `SharedFolderNameMachineMapping${i + 1}=${quoted(folder.name)}`,
      `SharedFolderPathMachineMapping${i + 1}=${quoted(folder.hostPath)}`,
    );
  });
  if (vm.state === 'running' || vm.state === 'paused') {
    lines.push('GuestMemoryBalloon=0');
    if (vm.guest) {
      lines.push(`GuestOSType="${vm.ostype}"`, 'GuestAdditionsRunLevel=2', 'GuestAdditionsVersion="7.0.20 r163906"');
    }
  }
  return lines;
}

function human(key: string, value: string): string {
  return `${`${key}:`.padEnd(29)}${value}`;
}

/** `showvminfo <vm>` and each block of `list vms --long` (the lines tools read, in VirtualBox's order). */
export function humanReadable(vm: VmRecord): string[] {
  const folder = dirname(vm.cfgFile);
  const lines = [
    human('Name', vm.name),
    human('Encryption', 'disabled'),
    human('Groups', '/'),
    human('Guest OS', osTypeDescription(vm.ostype)),
    human('UUID', vm.uuid),
    human('Config file', vm.cfgFile),
    human('Snapshot folder', join(folder, 'Snapshots')),
    human('Log folder', logFolder(vm)),
    human('Hardware UUID', vm.uuid),
    human('Memory size', `${vm.memory}MB`),
    human('Page Fusion', 'disabled'),
    human('VRAM size', `${vm.vram}MB`),
    human('CPU exec cap', '100%'),
    human('HPET', onOff(vm, 'hpet', 'off') === 'on' ? 'enabled' : 'disabled'),
    human('CPUProfile', 'host'),
    human('Chipset', vm.chipset),
    human('Firmware', vm.firmware),
    human('Number of CPUs', String(vm.cpus)),
    human('PAE', onOff(vm, 'pae', 'on') === 'on' ? 'enabled' : 'disabled'),
    human('Long Mode', onOff(vm, 'longmode', 'on') === 'on' ? 'enabled' : 'disabled'),
    ...vm.boot.map((device, i) => human(`Boot Device ${i + 1}`, device === 'disk' ? 'HardDisk' : device.toUpperCase())),
    human('ACPI', onOff(vm, 'acpi', 'on') === 'on' ? 'enabled' : 'disabled'),
    human('IOAPIC', onOff(vm, 'ioapic', 'on') === 'on' ? 'enabled' : 'disabled'),
    human('State', `${STATE_NAMES[vm.state]} (since ${vboxTime(vm.stateChangedAt)})`),
    human('Graphics Controller', 'VBoxVGA'),
    human('Monitor count', '1'),
  ];
  for (const controller of vm.storage) {
    lines.push(
      `#${vm.storage.indexOf(controller)}: '${controller.name}', Type: ${controller.type}, Instance: 0, Ports: ${controller.portCount} (max 30), Bootable`,
    );
    for (const attached of controller.attachments) {
      lines.push(`  Port ${attached.port}, Unit ${attached.device}: UUID: ${attached.uuid ?? ''}`);
      lines.push(`    Location: "${attached.medium}"`);
    }
  }
  vm.nics.forEach((nic, i) => {
    if (nic.attachment === 'none') {
      lines.push(human(`NIC ${i + 1}`, 'disabled'));
      return;
    }
    const mac = nic.mac;
    const attachment =
      nic.attachment === 'hostonly'
        ? `Host-only Interface '${nic.hostOnlyAdapter ?? ''}'`
        : nic.attachment.toUpperCase();
    lines.push(
      human(
        `NIC ${i + 1}`,
        `MAC: ${mac}, Attachment: ${attachment}, Cable connected: ${nic.cable ? 'on' : 'off'}, Trace: off (file: none), Type: ${nic.nictype}, Reported speed: 0 Mbps, Boot priority: 0, Promisc Policy: ${nic.promisc}, Bandwidth group: none`,
      ),
    );
    nic.natRules.forEach((rule, r) => {
      lines.push(
        human(
          `NIC ${i + 1} Rule(${r})`,
          `name = ${rule.name}, protocol = ${rule.proto}, host ip = ${rule.hostIp}, host port = ${rule.hostPort}, guest ip = ${rule.guestIp}, guest port = ${rule.guestPort}`,
        ),
      );
    });
  });
  lines.push(human('Description', vm.description));
  if (vm.sharedFolders.length > 0) {
    lines.push('', 'Shared folders:', '');
    for (const folder of vm.sharedFolders) {
      lines.push(
        `Name: '${folder.name}', Host path: '${folder.hostPath}' (machine mapping), writable${folder.automount ? ', auto-mount' : ''}`,
      );
    }
  }
  return lines;
}
