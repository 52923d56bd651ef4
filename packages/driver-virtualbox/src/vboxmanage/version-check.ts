import { VirtualBoxKernelModuleError, VirtualBoxVersionError } from '../errors.js';
import { parseVBoxVersion, type VBoxVersion } from '../parse/version.js';

/**
 * The version `VBoxManage --version` printed, checked as Docker Machine did (at least 4.3; 4.x
 * warned), except that a warning printed before it is reported as what it is, a missing kernel
 * module, instead of an unreadable version.
 */
export function checkVBoxVersion(stdout: string): { version: VBoxVersion; warning?: string } {
  const version = parseVBoxVersion(stdout);
  if (!version || version.major < 4 || (version.major === 4 && version.minor < 3)) {
    throw new VirtualBoxVersionError(
      `We support Virtualbox starting with version 5. Your VirtualBox install is "${stdout.trim()}". Please upgrade at https://www.virtualbox.org`,
      { data: { version: stdout.trim() } },
    );
  }
  if (/^WARNING/m.test(version.warning)) {
    const said = version.warning.replace(/\s+/g, ' ').trim();
    throw new VirtualBoxKernelModuleError(
      `VirtualBox ${version.text} cannot start VMs: its kernel module (vboxdrv) is not loaded. VBoxManage says: ${said}`,
      {
        actions: [
          'Load it with `sudo /sbin/vboxconfig` (Debian and Ubuntu packages: install virtualbox-dkms and the headers of the running kernel first), then retry.',
          'With Secure Boot on, the module must be signed, or Secure Boot turned off.',
        ],
        data: { version: version.text, warning: version.warning },
      },
    );
  }
  if (version.major === 4) {
    return { version, warning: `VirtualBox ${version.text} is old: Berth is tested with VirtualBox 6.1 and 7.x` };
  }
  return { version };
}
