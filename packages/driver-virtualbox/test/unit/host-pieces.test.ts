import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VBoxManageNotFoundError } from '../../src/errors.js';
import { boot2DockerIsoPath, FORMAT_ME, RAW_DISK_BYTES, writeBoot2DockerRawDisk } from '../../src/media/boot2docker.js';
import { cloudSeedFiles, NETWORK_CONFIG } from '../../src/media/cloud-seed.js';
import { imageVirtualSize, toMegabytes } from '../../src/media/image-size.js';
import { locateVBoxManage, parseRegQueryInstallDir, vboxManageCandidates } from '../../src/vboxmanage/locate.js';
import { openVBoxManage } from '../../src/vboxmanage/open-vboxmanage.js';
import { parseShareFolder } from '../../src/vm/shared-folder.js';
import { VmStateReader } from '../../src/vm/state-reader.js';
import { vmCpuCount, vmSetupArgs } from '../../src/vm/vm-commands.js';
import { lastLogLine, vtxProblemLine } from '../../src/vm/vtx-log.js';

const exec = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-vbox-pieces-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function executable(path: string, mode = 0o755): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\necho 7.0.20r163906\n');
  await chmod(path, mode);
  return path;
}

describe('finding VBoxManage', () => {
  it('takes the first executable VBoxManage on PATH', async () => {
    await executable(join(dir, 'a', 'VBoxManage'), 0o644);
    const real = await executable(join(dir, 'b', 'VBoxManage'));
    const env = { PATH: [join(dir, 'empty'), join(dir, 'a'), join(dir, 'b')].join(delimiter) };
    expect((await locateVBoxManage({ env, platform: 'linux' })).path).toBe(real);
  });

  it('on Windows looks where Docker Machine did, in its order', async () => {
    const tried = await vboxManageCandidates({
      env: { VBOX_INSTALL_PATH: 'D:\\VBox', VBOX_MSI_INSTALL_PATH: 'E:\\VBox\\', PATH: 'C:\\Windows;C:\\Tools' },
      platform: 'win32',
      registryInstallDir: async () => 'F:\\Oracle\\VirtualBox\\',
    });
    expect(tried.slice(0, 4)).toEqual([
      'D:\\VBox\\VBoxManage.exe',
      'E:\\VBox\\VBoxManage.exe',
      'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
      'F:\\Oracle\\VirtualBox\\VBoxManage.exe',
    ]);
    expect(tried).toContain('C:\\Tools\\VBoxManage.exe');
    expect(
      parseRegQueryInstallDir(
        '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Oracle\\VirtualBox\r\n    InstallDir    REG_SZ    C:\\Program Files\\Oracle\\VirtualBox\\\r\n',
      ),
    ).toBe('C:\\Program Files\\Oracle\\VirtualBox\\');
  });

  it("missing: Docker Machine's exact message; with qemu on PATH, one line naming berth create -d qemu", async () => {
    const none = await openVBoxManage('linux', { env: { PATH: join(dir, 'empty') } }).catch((error: unknown) => error);
    expect(none).toBeInstanceOf(VBoxManageNotFoundError);
    expect(none).toMatchObject({
      code: 'NotSupported',
      message: 'VBoxManage not found. Make sure VirtualBox is installed and VBoxManage is in the path',
      actions: [],
    });
    await executable(join(dir, 'qemu', 'qemu-system-x86_64'));
    const withQemu = await openVBoxManage('linux', { env: { PATH: join(dir, 'qemu') } }).catch(
      (error: unknown) => error,
    );
    expect((withQemu as VBoxManageNotFoundError).actions).toHaveLength(1);
    expect((withQemu as VBoxManageNotFoundError).actions[0]).toContain('berth create -d qemu');
  });
});

describe('boot2docker media', () => {
  it('takes a path or a file:// URL; an http(s) URL is refused with what to do', () => {
    expect(boot2DockerIsoPath('')).toBeUndefined();
    expect(boot2DockerIsoPath('file:///isos/b2d.iso')).toBe('/isos/b2d.iso');
    expect(boot2DockerIsoPath('b2d.iso', '/work')).toBe('/work/b2d.iso');
    expect(() => boot2DockerIsoPath('http://127.0.0.1/b2d.iso')).toThrow(/does not download/);
    expect(() => boot2DockerIsoPath('ftp://host/b2d.iso')).toThrow(/only a local path or a file:\/\/ URL/);
  });

  it('the data disk is a tar whose first member is the format-me marker, then the keys, padded to 1 MiB', async () => {
    const raw = join(dir, 'disk.raw');
    await writeBoot2DockerRawDisk(raw, 'ssh-rsa AAAAB3Nza test@berth');
    expect((await stat(raw)).size).toBe(RAW_DISK_BYTES);
    const { stdout } = await exec('tar', ['-tvf', raw]);
    const names = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).slice(5).join(' '));
    expect(names).toEqual([FORMAT_ME, '.ssh/', '.ssh/authorized_keys', '.ssh/authorized_keys2']);
    expect(stdout.split('\n')[1]).toMatch(/^drwx------/);
    const { stdout: keys } = await exec('tar', ['-xOf', raw, '.ssh/authorized_keys']);
    expect(keys).toBe('ssh-rsa AAAAB3Nza test@berth\n');
    const { stdout: marker } = await exec('tar', ['-xOf', raw, FORMAT_ME]);
    expect(marker).toBe(FORMAT_ME);
  });
});

describe('cloud image media', () => {
  it('reads the disk size of a qcow2 image from its header', async () => {
    const image = join(dir, 'tiny.qcow2');
    await exec('qemu-img', ['create', '-f', 'qcow2', image, '64M']).catch(async () => {
      // Without qemu-img: the same header, by hand (magic, version 3, size at byte 24).
      const header = Buffer.alloc(104);
      header.writeUInt32BE(0x514649fb, 0);
      header.writeUInt32BE(3, 4);
      header.writeBigUInt64BE(64n * 1024n * 1024n, 24);
      await writeFile(image, header);
    });
    expect(await imageVirtualSize(image)).toBe(64 * 1024 * 1024);
    expect(toMegabytes(64 * 1024 * 1024 + 1)).toBe(65);
    await writeFile(join(dir, 'plain.img'), Buffer.alloc(4096));
    expect(await imageVirtualSize(join(dir, 'plain.img'))).toBeUndefined();
  });

  it('the seed carries a network config that gives both NICs DHCP', () => {
    const files = cloudSeedFiles({ instanceId: 'i-1', hostname: 'vb1', sshAuthorizedKeys: ['ssh-rsa AAAA k'] });
    expect(files.map((file) => file.name)).toEqual(['meta-data', 'user-data', 'network-config']);
    expect(NETWORK_CONFIG).toMatch(/^version: 2\n/);
    expect(NETWORK_CONFIG).toContain('dhcp4: true');
  });
});

describe('VM settings', () => {
  it('CPUs as Docker Machine counted them: < 1 is all of the host’s, at most 32', () => {
    expect(vmCpuCount(1, 8)).toBe(1);
    expect(vmCpuCount(-1, 8)).toBe(8);
    expect(vmCpuCount(0, 64)).toBe(32);
    expect(vmCpuCount(40, 64)).toBe(32);
  });

  it('boots a cloud image from its disk and boot2docker from its ISO', () => {
    const settings = { name: 'vb1', cpus: 2, memory: 2048, hostDnsResolver: false, dnsProxy: true } as const;
    const cloud = vmSetupArgs({ ...settings, boot: 'cloud-image' }, 4);
    expect(cloud.slice(0, 8)).toEqual([
      'modifyvm',
      'vb1',
      '--firmware',
      'bios',
      '--ostype',
      'Debian_64',
      '--cpus',
      '2',
    ]);
    expect(cloud.slice(-4)).toEqual(['--boot1', 'disk', '--boot2', 'dvd']);
    expect(cloud.join(' ')).toContain('--natdnshostresolver1 off --natdnsproxy1 on');
    const b2d = vmSetupArgs({ ...settings, boot: 'boot2docker' }, 4);
    expect(b2d).toContain('Linux26_64');
    expect(b2d.slice(-4)).toEqual(['--boot1', 'dvd', '--boot2', 'disk']);
  });

  it('splits --virtualbox-share-folder at the last colon', () => {
    expect(parseShareFolder('/data:dat')).toEqual({ dir: '/data', name: 'dat' });
    expect(parseShareFolder('C:\\dir:name')).toEqual({ dir: 'C:\\dir', name: 'name' });
    expect(parseShareFolder('/srv/data')).toEqual({ dir: '/srv/data', name: 'srv/data' });
  });
});

describe('VBox.log', () => {
  it('finds the lines that mean no VT-x/AMD-V, not the raw-mode fallback', () => {
    const log = [
      '00:00:00.100000 Falling back to raw-mode: VT-x is disabled in the BIOS for all CPU modes',
      '00:00:00.318604 Power up failed (vrc=VERR_VMX_NO_VMX, rc=NS_ERROR_FAILURE (0X80004005))',
      '00:00:00.400000 Console: Machine state changed to PoweredOff',
    ].join('\n');
    expect(vtxProblemLine(log)).toContain('VERR_VMX_NO_VMX');
    expect(vtxProblemLine(log.split('\n')[0] ?? '')).toBeUndefined();
    expect(vtxProblemLine('00:00:00.2 HM: HMR3Init: AMD-V: VERR_SVM_DISABLED\n')).toContain('VERR_SVM_DISABLED');
    expect(lastLogLine(`${log}\n\n`)).toBe('00:00:00.400000 Console: Machine state changed to PoweredOff');
  });
});

describe('the state reader', () => {
  function counted(states: Record<string, string>) {
    const calls: string[] = [];
    const reader = new VmStateReader(
      {
        one: async (name) => {
          calls.push(`one:${name}`);
          return states[name];
        },
        all: async () => {
          calls.push('all');
          return new Map(Object.entries(states));
        },
      },
      { windowMs: 10, cacheMs: 1_000 },
    );
    return { reader, calls };
  }

  it('answers questions arriving together with one listing, a lone question with one VM’s info', async () => {
    const { reader, calls } = counted({ a: 'running', b: 'poweroff', c: 'saved' });
    expect(await Promise.all(['a', 'b', 'c', 'missing'].map((name) => reader.state(name)))).toEqual([
      'running',
      'poweroff',
      'saved',
      undefined,
    ]);
    expect(calls).toEqual(['all']);
    expect(await reader.state('a')).toBe('running');
    expect(calls).toEqual(['all']);
    reader.invalidate();
    expect(await reader.state('a')).toBe('running');
    expect(calls).toEqual(['all', 'one:a']);
  });

  it('a failed listing fails every question of the batch', async () => {
    const reader = new VmStateReader({
      one: async () => 'running',
      all: async () => {
        throw new Error('VBoxManage failed');
      },
    });
    const answers = await Promise.allSettled([reader.state('a'), reader.state('b')]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });
});
