import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { NotSupportedError } from '@berth/driver-protocol';
import type { AcceleratorChoice } from './flags.js';

export type Accelerator = 'kvm' | 'hvf' | 'tcg';

/** What the accelerator decision depends on, gathered by {@link probeHost} (or given, in tests). */
export interface HostFacts {
  platform: NodeJS.Platform;
  arch: string;
  /** /dev/kvm opens for reading and writing. */
  kvmWritable: boolean;
  /** The text of /proc/cpuinfo ("" where there is none). */
  cpuinfo: string;
}

export interface AcceleratorDecision {
  accelerator: Accelerator;
  /** One line for the user when the choice costs them (TCG), else undefined. */
  warning?: string;
}

export const TCG_WARNING =
  'No hardware virtualization here (KVM or HVF): the machine runs under TCG, software emulation, which is much slower';

/** Whether the CPU advertises Intel VT-x (vmx) or AMD-V (svm) in a `flags` line of /proc/cpuinfo. */
export function cpuHasVirtualization(cpuinfo: string): boolean {
  return cpuinfo.split('\n').some((line) => /^flags\s*:/.test(line) && /\s(vmx|svm)(\s|$)/.test(`${line} `));
}

/**
 * Why KVM cannot be used here, or undefined when it can. `/dev/kvm` existing is not enough: on
 * nested or emulated hosts it is there while the CPU offers no vmx/svm, and a guest kernel hangs
 * under it. On arm64 /proc/cpuinfo never lists virtualization, so /dev/kvm alone decides there.
 */
export function kvmUnavailableReason(facts: HostFacts): string | undefined {
  if (facts.platform !== 'linux') return `KVM exists only on Linux, and this host runs ${facts.platform}`;
  if (!facts.kvmWritable) return '/dev/kvm is missing or not writable by this user';
  if (facts.arch !== 'arm64' && !cpuHasVirtualization(facts.cpuinfo)) {
    return 'the CPU advertises no hardware virtualization (no vmx or svm flag in /proc/cpuinfo)';
  }
  return undefined;
}

/**
 * The accelerator a start uses. `auto`: kvm where it works, hvf on macOS, else tcg with a warning.
 * An explicit `kvm` or `hvf` that this host cannot give is an error that says why.
 */
export function decideAccelerator(choice: AcceleratorChoice, facts: HostFacts): AcceleratorDecision {
  switch (choice) {
    case 'tcg':
      return { accelerator: 'tcg' };
    case 'hvf':
      if (facts.platform !== 'darwin') {
        throw new NotSupportedError(`--qemu-accelerator hvf needs macOS, and this host runs ${facts.platform}`, {
          actions: ['Use --qemu-accelerator auto (kvm where available, else tcg).'],
          data: { flag: 'qemu-accelerator' },
        });
      }
      return { accelerator: 'hvf' };
    case 'kvm': {
      const reason = kvmUnavailableReason(facts);
      if (reason) {
        throw new NotSupportedError(`--qemu-accelerator kvm cannot be used: ${reason}`, {
          actions: [
            'Enable virtualization (VT-x/AMD-V) in the firmware, load kvm_intel or kvm_amd, and add your user to the kvm group;',
            'or use --qemu-accelerator auto or tcg (software emulation, much slower).',
          ],
          data: { flag: 'qemu-accelerator', reason },
        });
      }
      return { accelerator: 'kvm' };
    }
    default:
      if (facts.platform === 'darwin') return { accelerator: 'hvf' };
      if (kvmUnavailableReason(facts) === undefined) return { accelerator: 'kvm' };
      return { accelerator: 'tcg', warning: TCG_WARNING };
  }
}

/** The facts of the machine this runs on. */
export async function probeHost(): Promise<HostFacts> {
  const [kvmWritable, cpuinfo] = await Promise.all([
    access('/dev/kvm', constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    ),
    readFile('/proc/cpuinfo', 'utf8').catch(() => ''),
  ]);
  return { platform: process.platform, arch: process.arch, kvmWritable, cpuinfo };
}
