import { NotSupportedError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import {
  cpuHasVirtualization,
  decideAccelerator,
  type HostFacts,
  probeHost,
  TCG_WARNING,
} from '../../src/accelerator.js';
import { exec } from './support.js';

const INTEL = 'processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse tsc msr vmx ssse3 sse4_1\n\n';
const AMD = 'processor\t: 0\nflags\t\t: fpu sse2 svm lahf_lm\n';
const NONE = 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr hypervisor ssse3 vmxnet\n';
const linux = (cpuinfo: string, kvmWritable: boolean): HostFacts => ({
  platform: 'linux',
  arch: 'x64',
  kvmWritable,
  cpuinfo,
});

describe('accelerator decision', () => {
  it('reads vmx or svm from the flags lines only, as whole words', () => {
    expect(cpuHasVirtualization(INTEL)).toBe(true);
    expect(cpuHasVirtualization(AMD)).toBe(true);
    expect(cpuHasVirtualization(NONE)).toBe(false);
    expect(cpuHasVirtualization('model name\t: vmx svm\nflags\t: fpu\n')).toBe(false);
    expect(cpuHasVirtualization('')).toBe(false);
  });

  it('auto: kvm only with a writable /dev/kvm and vmx/svm; hvf on macOS; else tcg with a warning', () => {
    expect(decideAccelerator('auto', linux(INTEL, true))).toEqual({ accelerator: 'kvm' });
    expect(decideAccelerator('auto', linux(AMD, true))).toEqual({ accelerator: 'kvm' });
    expect(decideAccelerator('auto', linux(NONE, true))).toEqual({ accelerator: 'tcg', warning: TCG_WARNING });
    expect(decideAccelerator('auto', linux(INTEL, false))).toEqual({ accelerator: 'tcg', warning: TCG_WARNING });
    expect(decideAccelerator('auto', { platform: 'darwin', arch: 'arm64', kvmWritable: false, cpuinfo: '' })).toEqual({
      accelerator: 'hvf',
    });
    expect(decideAccelerator('auto', { platform: 'win32', arch: 'x64', kvmWritable: false, cpuinfo: '' })).toEqual({
      accelerator: 'tcg',
      warning: TCG_WARNING,
    });
    // arm64 Linux lists no virtualization in cpuinfo: /dev/kvm decides.
    expect(decideAccelerator('auto', { platform: 'linux', arch: 'arm64', kvmWritable: true, cpuinfo: '' })).toEqual({
      accelerator: 'kvm',
    });
  });

  it('explicit kvm or hvf that the host lacks is an error saying why; tcg always works', () => {
    expect(() => decideAccelerator('kvm', linux(NONE, true))).toThrow(NotSupportedError);
    expect(() => decideAccelerator('kvm', linux(NONE, true))).toThrow(/no vmx or svm flag/);
    expect(() => decideAccelerator('kvm', linux(INTEL, false))).toThrow(/\/dev\/kvm is missing or not writable/);
    expect(() => decideAccelerator('hvf', linux(INTEL, true))).toThrow(/needs macOS/);
    expect(decideAccelerator('kvm', linux(INTEL, true))).toEqual({ accelerator: 'kvm' });
    expect(decideAccelerator('tcg', linux(INTEL, true))).toEqual({ accelerator: 'tcg' });
  });

  it('on this machine, probes the real /proc/cpuinfo and /dev/kvm and agrees with grep', async () => {
    const facts = await probeHost();
    expect(facts.platform).toBe(process.platform);
    expect(facts.cpuinfo).toMatch(/^processor\s*:/m);
    // grep is the independent judge of the CPU flags (exit 1: no match).
    const hasVirt = await exec('grep', ['-qwE', 'vmx|svm', '/proc/cpuinfo']).then(
      () => true,
      () => false,
    );
    const kvmWritable = await exec('test', ['-w', '/dev/kvm', '-a', '-r', '/dev/kvm']).then(
      () => true,
      () => false,
    );
    expect(facts.kvmWritable).toBe(kvmWritable);
    const decision = decideAccelerator('auto', facts);
    expect(decision.accelerator).toBe(hasVirt && kvmWritable ? 'kvm' : 'tcg');
    // The CI machines have a /dev/kvm but no vmx/svm (issue 9): TCG there.
    if (!hasVirt) expect(decision).toEqual({ accelerator: 'tcg', warning: TCG_WARNING });
  });
});
