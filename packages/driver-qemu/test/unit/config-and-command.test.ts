import { type Driver, InvalidFlagError, type MachineContext, MissingFlagError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import { QemuDriver } from '../../src/driver.js';
import { defaultQemuBinary, QEMU_FLAGS } from '../../src/flags.js';
import { machinePaths } from '../../src/machine-files.js';
import { qemuArguments } from '../../src/qemu-command.js';
import { readQemuConfig } from '../../src/qemu-config.js';
import { machineIn, qemuFlags, recordingContext } from './support.js';

// Called as the host calls it: through the protocol's Driver interface.
const driver: Driver = new QemuDriver();
const store = '/store';

async function configured(given: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const machine = machineIn(store, 'vm1');
  const result = await driver.setConfigFromFlags({ machine, flags: qemuFlags(given, env) }, recordingContext().context);
  const stored: MachineContext = { ...machine, driverConfig: result.driverConfig };
  return { result, config: readQemuConfig(stored), machine: stored };
}

/** The value after each occurrence of `option` in an argv. */
function valuesOf(args: string[], option: string): string[] {
  return args.flatMap((arg, index) => (arg === option ? [args[index + 1] ?? ''] : []));
}

describe('create flags', () => {
  it('declares every flag with its env var and default, as create --help shows them', () => {
    const byName = new Map(QEMU_FLAGS.map((flag) => [flag.name, flag]));
    const expected: [string, string, unknown][] = [
      ['qemu-cpu-count', 'QEMU_CPU_COUNT', 1],
      ['qemu-memory', 'QEMU_MEMORY', 1024],
      ['qemu-disk-size', 'QEMU_DISK_SIZE', 20000],
      ['qemu-image-url', 'QEMU_IMAGE_URL', undefined],
      ['qemu-image-checksum', 'QEMU_IMAGE_CHECKSUM', undefined],
      ['qemu-accelerator', 'QEMU_ACCELERATOR', 'auto'],
      ['qemu-binary', 'QEMU_BINARY', defaultQemuBinary()],
      ['qemu-kernel', 'QEMU_KERNEL', undefined],
      ['qemu-initrd', 'QEMU_INITRD', undefined],
      ['qemu-append', 'QEMU_APPEND', undefined],
      ['qemu-restrict-network', 'QEMU_RESTRICT_NETWORK', undefined],
      ['qemu-ssh-user', 'QEMU_SSH_USER', 'docker'],
      ['qemu-ssh-port', 'QEMU_SSH_PORT', 0],
      ['qemu-engine-port', 'QEMU_ENGINE_PORT', 0],
    ];
    for (const [name, envVar, value] of expected) {
      expect(byName.get(name), name).toMatchObject({ envVar });
      expect(byName.get(name)?.default, name).toEqual(value);
      expect(byName.get(name)?.description.length, name).toBeGreaterThan(5);
    }
    expect(QEMU_FLAGS).toHaveLength(expected.length);
    expect(defaultQemuBinary('x64')).toBe('qemu-system-x86_64');
    expect(defaultQemuBinary('arm64')).toBe('qemu-system-aarch64');
  });

  it('asks the host for the catalogue Debian 12 by default and keeps docker-machine sizes', async () => {
    const { result, config } = await configured();
    expect(result.image).toEqual({ name: 'debian-12', arch: process.arch === 'arm64' ? 'arm64' : 'amd64' });
    expect(config).toMatchObject({
      IPAddress: '127.0.0.1',
      SSHUser: 'docker',
      SSHPort: 0,
      CPU: 1,
      Memory: 1024,
      DiskSize: 20000,
      Accelerator: 'auto',
      QemuBinary: defaultQemuBinary(),
      RestrictNetwork: false,
      EnginePort: 0,
    });
    // Base keys first, in docker-machine's order, then the driver's own.
    expect(Object.keys(result.driverConfig).slice(0, 4)).toEqual(['IPAddress', 'MachineName', 'SSHUser', 'SSHPort']);
  });

  it('asks for the URL and checksum given, and reads env vars', async () => {
    const checksum = `sha256:${'ab'.repeat(32)}`;
    const { result, config } = await configured(
      { 'qemu-image-url': 'https://mirror.example/disk.qcow2' },
      { QEMU_IMAGE_CHECKSUM: checksum, QEMU_MEMORY: '2048', QEMU_RESTRICT_NETWORK: 'true' },
    );
    expect(result.image).toEqual({ url: 'https://mirror.example/disk.qcow2', checksum });
    expect(config).toMatchObject({
      Memory: 2048,
      RestrictNetwork: true,
      ImageURL: 'https://mirror.example/disk.qcow2',
    });
  });

  it('refuses a URL without checksum, bad values, and boot options without a kernel', async () => {
    await expect(configured({ 'qemu-image-url': 'https://x.example/a.img' })).rejects.toThrow(MissingFlagError);
    await expect(configured({ 'qemu-image-checksum': `sha256:${'0'.repeat(64)}` })).rejects.toThrow(InvalidFlagError);
    await expect(
      configured({ 'qemu-image-url': 'https://x.example/a.img', 'qemu-image-checksum': 'md5:abc' }),
    ).rejects.toThrow(/sha256:<64 hex digits>/);
    await expect(configured({ 'qemu-accelerator': 'xen' })).rejects.toThrow(/auto, kvm, hvf, tcg/);
    await expect(configured({ 'qemu-cpu-count': 0 })).rejects.toThrow(/--qemu-cpu-count must be at least 1/);
    await expect(configured({ 'qemu-memory': 64 })).rejects.toThrow(InvalidFlagError);
    await expect(configured({ 'qemu-ssh-port': 70000 })).rejects.toThrow(/port number/);
    await expect(configured({ 'qemu-ssh-port': 4000, 'qemu-engine-port': 4000 })).rejects.toThrow(/both 4000/);
    await expect(configured({ 'qemu-initrd': '/boot/initrd.img' })).rejects.toThrow(/--qemu-initrd is for a kernel/);
  });
});

describe('qemu command line', () => {
  const paths = machinePaths('/store/machines/vm1');

  it('builds the machine from the flags: sizes, disk first, seed, forwards, QMP, console, daemonized', async () => {
    const { config } = await configured({ 'qemu-cpu-count': 2, 'qemu-memory': 1536 });
    const args = qemuArguments({
      name: 'vm1',
      arch: 'amd64',
      accelerator: 'tcg',
      cpus: config.CPU,
      memory: config.Memory,
      paths,
      sshPort: 40022,
      enginePort: 42376,
      restrictNetwork: config.RestrictNetwork,
    });
    expect(valuesOf(args, '-machine')).toEqual(['q35']);
    expect(valuesOf(args, '-accel')).toEqual(['tcg']);
    expect(valuesOf(args, '-cpu')).toEqual(['max']);
    expect(valuesOf(args, '-smp')).toEqual(['2']);
    expect(valuesOf(args, '-m')).toEqual(['1536']);
    expect(valuesOf(args, '-display')).toEqual(['none']);
    expect(valuesOf(args, '-serial')).toEqual(['file:/store/machines/vm1/console.log']);
    expect(valuesOf(args, '-drive')).toEqual([
      'file=/store/machines/vm1/disk.qcow2,if=virtio,format=qcow2',
      'file=/store/machines/vm1/seed.iso,if=virtio,format=raw,readonly=on',
    ]);
    expect(valuesOf(args, '-netdev')).toEqual([
      'user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22,hostfwd=tcp:127.0.0.1:42376-:42376',
    ]);
    expect(valuesOf(args, '-device')).toEqual(['virtio-net-pci,netdev=net0']);
    expect(valuesOf(args, '-qmp')).toEqual(['unix:/store/machines/vm1/qmp.sock,server=on,wait=off']);
    expect(args).toContain('-daemonize');
    expect(args).not.toContain('-kernel');
  });

  it('restricts the network, boots a kernel directly, passes the CPU through under KVM, uses virt on arm64', async () => {
    const { config } = await configured({
      'qemu-restrict-network': true,
      'qemu-kernel': '/k/vmlinuz',
      'qemu-initrd': '/k/initrd.img',
      'qemu-append': 'root=/dev/vda rw console=ttyS0',
    });
    const spec = {
      name: 'vm1',
      accelerator: 'kvm' as const,
      cpus: 1,
      memory: 1024,
      paths,
      sshPort: 1,
      enginePort: 2,
      restrictNetwork: config.RestrictNetwork,
      kernel: config.Kernel,
      initrd: config.Initrd,
      append: config.Append,
    };
    const x86 = qemuArguments({ ...spec, arch: 'amd64' });
    expect(valuesOf(x86, '-netdev')[0]).toMatch(/^user,id=net0,restrict=on,hostfwd=/);
    expect(valuesOf(x86, '-cpu')).toEqual(['host']);
    expect(valuesOf(x86, '-kernel')).toEqual(['/k/vmlinuz']);
    expect(valuesOf(x86, '-initrd')).toEqual(['/k/initrd.img']);
    expect(valuesOf(x86, '-append')).toEqual(['root=/dev/vda rw console=ttyS0']);
    expect(valuesOf(qemuArguments({ ...spec, arch: 'arm64' }), '-machine')).toEqual(['virt']);
  });

  it('doubles commas in paths, as qemu option values need', () => {
    const args = qemuArguments({
      name: 'a,b',
      arch: 'amd64',
      accelerator: 'tcg',
      cpus: 1,
      memory: 512,
      paths: machinePaths('/odd,dir'),
      sshPort: 1,
      enginePort: 2,
      restrictNetwork: false,
    });
    expect(valuesOf(args, '-drive')[0]).toBe('file=/odd,,dir/disk.qcow2,if=virtio,format=qcow2');
    expect(valuesOf(args, '-name')).toEqual(['guest=a,,b']);
  });
});
