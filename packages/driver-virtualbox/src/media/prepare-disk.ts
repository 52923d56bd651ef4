import { randomUUID } from 'node:crypto';
import { copyFile, rm } from 'node:fs/promises';
import type { CachedImage } from '@berth/driver-protocol';
import { throwIfCancelled } from '@berth/driver-sdk';
import { VirtualBoxFlagError } from '../errors.js';
import { JOURNAL_KIND, MACHINE_FILES, machineFile } from '../machine-files.js';
import { type MachineOperation, vmName } from '../operation.js';
import { SSH_USER } from '../virtualbox-config.js';
import { requireIsoFile, writeBoot2DockerRawDisk } from './boot2docker.js';
import { writeCloudSeed } from './cloud-seed.js';
import { imageVirtualSize, toMegabytes } from './image-size.js';

/** Copying a multi-GB image into a VMDK takes a while on a slow disk. */
const CLONE_TIMEOUT_MS = 30 * 60_000;

async function resize(op: MachineOperation, disk: string): Promise<void> {
  await op.host.vbox.run(['modifymedium', 'disk', disk, '--resize', String(op.config.DiskSize)]);
}

/** Refuses a disk smaller than the image on it, before anything is made. */
export async function checkDiskFitsImage(op: MachineOperation, image: CachedImage): Promise<void> {
  const bytes = await imageVirtualSize(image.path).catch(() => undefined);
  if (bytes === undefined || op.config.DiskSize >= toMegabytes(bytes)) return;
  throw new VirtualBoxFlagError(
    `--virtualbox-disk-size ${op.config.DiskSize} MB is smaller than the image's disk (${toMegabytes(bytes)} MB)`,
    {
      actions: [`Give at least --virtualbox-disk-size ${toMegabytes(bytes)}.`],
      data: { flag: 'virtualbox-disk-size', imageMb: toMegabytes(bytes) },
    },
  );
}

/**
 * The cloud image's disk: a NoCloud seed with the machine's hostname, user and key, and the cached
 * image cloned into `disk.vmdk` (the cache stays untouched), grown to the machine's disk size.
 */
export async function prepareCloudDisk(op: MachineOperation, image: CachedImage, publicKey: string): Promise<void> {
  const { machine, config, journal, context } = op;
  const seed = machineFile(machine.machineDir, 'seed');
  const disk = machineFile(machine.machineDir, 'disk');
  config.InstanceID = `berth-${vmName(op)}-${randomUUID()}`;
  await journal.record(JOURNAL_KIND.file, MACHINE_FILES.seed);
  await writeCloudSeed(seed, {
    instanceId: config.InstanceID,
    hostname: machine.name,
    sshAuthorizedKeys: [publicKey],
    user: SSH_USER,
  });
  throwIfCancelled(context.signal, 'creating the cloud-init seed');
  await journal.record(JOURNAL_KIND.medium, disk);
  await op.host.vbox.run(['clonemedium', 'disk', image.path, disk, '--format', 'VMDK'], {
    timeoutMs: CLONE_TIMEOUT_MS,
  });
  config.BaseImage = image.path;
  await resize(op, disk);
  throwIfCancelled(context.signal, 'creating the disk');
}

/**
 * A boot2docker machine's media: the ISO copied into the machine directory, and a data disk that
 * starts with boot2docker's "format me" tar holding the machine's key (written as a small raw
 * file, converted to VMDK, then grown to the machine's disk size).
 */
export async function prepareBoot2DockerDisk(op: MachineOperation, isoPath: string, publicKey: string): Promise<void> {
  const { machine, journal, context } = op;
  await requireIsoFile(isoPath);
  const iso = machineFile(machine.machineDir, 'iso');
  const raw = machineFile(machine.machineDir, 'raw');
  const disk = machineFile(machine.machineDir, 'disk');
  await journal.record(JOURNAL_KIND.file, MACHINE_FILES.iso);
  await copyFile(isoPath, iso);
  throwIfCancelled(context.signal, 'copying the boot2docker ISO');
  await journal.record(JOURNAL_KIND.file, MACHINE_FILES.raw);
  await writeBoot2DockerRawDisk(raw, publicKey);
  await journal.record(JOURNAL_KIND.medium, disk);
  await op.host.vbox.run(['convertfromraw', raw, disk, '--format', 'VMDK']);
  await rm(raw, { force: true });
  await journal.forget(JOURNAL_KIND.file, MACHINE_FILES.raw);
  await resize(op, disk);
  throwIfCancelled(context.signal, 'creating the disk');
}
