import { mustRun } from '../engine/run-command.js';
import { pathExists } from '../files/file-checks.js';

/** What the qemu test VMs need on this machine, by the file that shows each package is there. */
const PACKAGES: ReadonlyArray<{ name: string; file: string }> = [
  { name: 'qemu-system-x86', file: '/usr/bin/qemu-system-x86_64' },
  { name: 'qemu-utils', file: '/usr/bin/qemu-img' },
  { name: 'debootstrap', file: '/usr/sbin/debootstrap' },
  { name: 'genisoimage', file: '/usr/bin/genisoimage' },
];

/**
 * Installs Debian's qemu, qemu-img, debootstrap and genisoimage when missing (idempotent). The apt
 * lock is shared with other test processes: two concurrent apt-get runs fail on dpkg's own lock.
 */
export async function ensureQemuPackages(
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<void> {
  const missing: string[] = [];
  for (const pkg of PACKAGES) if (!(await pathExists(pkg.file))) missing.push(pkg.name);
  if (missing.length === 0) return;
  log(`[test-kit] apt-get install ${missing.join(' ')}`);
  const install = `apt-get update -q && apt-get install -y -q --no-install-recommends ${missing.join(' ')}`;
  await mustRun('flock', ['/tmp/apt.lock', 'sh', '-c', install], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
