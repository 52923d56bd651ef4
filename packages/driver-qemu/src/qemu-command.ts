import type { Accelerator } from './accelerator.js';
import type { MachinePaths } from './machine-files.js';
import type { GuestArch } from './qemu-config.js';

export interface QemuMachineSpec {
  /** The machine's name, shown as the qemu process's guest name. */
  name: string;
  arch: GuestArch;
  accelerator: Accelerator;
  cpus: number;
  /** MB. */
  memory: number;
  paths: Pick<MachinePaths, 'disk' | 'seed' | 'qmp' | 'console'>;
  sshPort: number;
  enginePort: number;
  /** User-mode network with `restrict=on`: only the forwarded ports, no traffic out of the guest. */
  restrictNetwork: boolean;
  kernel?: string;
  initrd?: string;
  append?: string;
}

/** A comma inside a qemu option value is written twice (qemu's option syntax). */
const optionValue = (value: string) => value.replaceAll(',', ',,');

/**
 * The qemu command line of a machine, without the binary. `-daemonize`: qemu forks once the machine
 * is set up, so a bad option or a taken port fails the spawn with qemu's own message, and a
 * machine outlives the berth command that started it. It is controlled through QMP only.
 */
export function qemuArguments(spec: QemuMachineSpec): string[] {
  const { paths } = spec;
  const netdev = [
    'user',
    'id=net0',
    ...(spec.restrictNetwork ? ['restrict=on'] : []),
    `hostfwd=tcp:127.0.0.1:${spec.sshPort}-:22`,
    // The same port inside: berth provisions dockerd on the port of the machine's URL.
    `hostfwd=tcp:127.0.0.1:${spec.enginePort}-:${spec.enginePort}`,
  ].join(',');
  const args = [
    '-name',
    `guest=${optionValue(spec.name)}`,
    '-machine',
    spec.arch === 'arm64' ? 'virt' : 'q35',
    '-accel',
    spec.accelerator,
    // The host's CPU where it is passed through; under TCG the emulator's most complete model
    // (on arm64 its default is a 32-bit core, which cannot run the image).
    '-cpu',
    spec.accelerator === 'tcg' ? 'max' : 'host',
    '-smp',
    String(spec.cpus),
    '-m',
    String(spec.memory),
    '-nodefaults',
    '-display',
    'none',
    '-serial',
    `file:${paths.console}`,
    // The disk first: it is the guest's /dev/vda.
    '-drive',
    `file=${optionValue(paths.disk)},if=virtio,format=qcow2`,
    '-drive',
    `file=${optionValue(paths.seed)},if=virtio,format=raw,readonly=on`,
    '-netdev',
    netdev,
    '-device',
    'virtio-net-pci,netdev=net0',
    '-qmp',
    `unix:${optionValue(paths.qmp)},server=on,wait=off`,
  ];
  if (spec.kernel) args.push('-kernel', spec.kernel);
  if (spec.initrd) args.push('-initrd', spec.initrd);
  if (spec.append) args.push('-append', spec.append);
  args.push('-daemonize');
  return args;
}
