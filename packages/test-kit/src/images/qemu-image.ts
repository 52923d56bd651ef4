import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mustRun } from '../engine/run-command.js';
import { pathExists } from '../files/file-checks.js';
import { ensureQemuPackages } from '../vm/qemu-packages.js';
import { CACHE_DIR } from './ensure-images.js';
import { RECIPES_DIR } from './recipes-dir.js';

/** A bootable Debian 12 disk for qemu, with what qemu's direct kernel boot needs beside it. */
export interface QemuTestImage {
  /** qcow2 base disk: an unpartitioned ext4 root (`root=/dev/vda`); never written by a VM. */
  disk: string;
  /** The cloud kernel and initramfs from the image's /boot: the disk has no bootloader. */
  kernel: string;
  initrd: string;
  /** Kernel command line that boots this disk with its console on the first serial port. */
  append: string;
  /** The recipe's hash, which names the cache directory. */
  recipeHash: string;
}

const RECIPE = 'build-qemu-debian12.sh';
const LOCK_FILE = '/var/lock/berth-testkit-qemu-image.lock';
// apparmor=0: the kernel enables AppArmor, but the image leaves out its tools, and dockerd then
// refuses to start containers ("docker-default profile could not be loaded").
const KERNEL_APPEND = 'root=/dev/vda rw console=ttyS0,115200n8 apparmor=0';

/**
 * Builds the qemu test disk when its recipe changed (the cache directory carries the recipe's
 * hash), else reuses it. A file lock keeps concurrent test processes from building twice; a build
 * writes to a temporary directory and renames it, so a killed build leaves no usable-looking disk.
 */
export async function ensureQemuImage(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<QemuTestImage> {
  await ensureQemuPackages(log);
  const script = join(RECIPES_DIR, RECIPE);
  const recipeHash = createHash('sha256')
    .update(await readFile(script))
    .digest('hex')
    .slice(0, 12);
  const dir = join(CACHE_DIR, `qemu-debian12-${recipeHash}`);
  const image: QemuTestImage = {
    disk: join(dir, 'disk.qcow2'),
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    append: KERNEL_APPEND,
    recipeHash,
  };
  if ((await pathExists(image.disk)) && (await pathExists(image.kernel)) && (await pathExists(image.initrd)))
    return image;
  await mkdir(CACHE_DIR, { recursive: true });
  // Checked again under the lock: another process may have built it while this one waited. Disks
  // of older recipes are removed (about 1 GB each).
  const guarded = [
    `[ -f "$1/disk.qcow2" ] && exit 0`,
    `find "${CACHE_DIR}" -maxdepth 1 -name 'qemu-debian12-*' ! -name "qemu-debian12-${recipeHash}*" -exec rm -rf {} +`,
    `exec bash "${script}" "$1" "$2"`,
  ].join('\n');
  await mustRun('flock', [LOCK_FILE, 'bash', '-c', guarded, 'build', dir, `${dir}-work`], {
    onOutput: (chunk) => {
      for (const line of chunk.split('\n')) if (line.trim()) log(line);
    },
  });
  return image;
}

/** Where the test image is said to be published; the tests serve it from a local mirror instead. */
export const QEMU_TEST_IMAGE_URL = 'https://images.invalid/berth-test-debian12.qcow2';

export interface QemuTestCreateOptions {
  image: QemuTestImage;
  /** The local image server's URL (`--image-mirror`). */
  mirrorUrl: string;
  /** `sha512:<hex>` of the image's disk. */
  checksum: string;
  name: string;
  /** Extra create flags placed before the name. */
  extraFlags?: readonly string[];
}

/**
 * The `berth create -d qemu` command line that boots the test image from a local mirror under
 * TCG with 2 CPUs and no network beyond the host: one definition for the e2e suite and the bench.
 */
export function qemuTestCreateArgs(options: QemuTestCreateOptions): string[] {
  const { image } = options;
  return [
    'create',
    '-d',
    'qemu',
    '--image-mirror',
    options.mirrorUrl,
    '--qemu-image-url',
    QEMU_TEST_IMAGE_URL,
    '--qemu-image-checksum',
    options.checksum,
    '--qemu-kernel',
    image.kernel,
    '--qemu-initrd',
    image.initrd,
    '--qemu-append',
    image.append,
    '--qemu-accelerator',
    'tcg',
    '--qemu-cpu-count',
    '2',
    '--qemu-restrict-network',
    ...(options.extraFlags ?? []),
    options.name,
  ];
}
