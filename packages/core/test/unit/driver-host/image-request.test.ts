import { isBerthError } from '@berth/driver-protocol';
import { describe, expect, it } from 'vitest';
import { checkImageRequest } from '../../../src/driver-host/result-checks.js';

// A driver in any language may name an image in its setConfigFromFlags result (protocol 1.2);
// the host takes only a well-formed one, since it downloads what this names.
describe('checkImageRequest', () => {
  const call = { method: 'machine/setConfigFromFlags', machine: 'vm' } as const;
  const sha512 = `sha512:${'ab'.repeat(64)}`;

  it('takes a url and a sha256 or sha512 checksum, and nothing else', () => {
    const result = { driverConfig: {}, image: { url: 'https://example.test/a.qcow2', checksum: sha512, extra: 1 } };
    expect(checkImageRequest('qemu', call, result)).toEqual({
      image: { url: 'https://example.test/a.qcow2', checksum: sha512 },
    });
    expect(checkImageRequest('qemu', call, { driverConfig: {} })).toEqual({});
    const named = { driverConfig: {}, image: { name: 'debian-12', arch: 'arm64' } };
    expect(checkImageRequest('qemu', call, named)).toEqual({ image: { name: 'debian-12', arch: 'arm64' } });
  });

  it.each([
    [{ url: 'https://example.test/a', checksum: 'md5:abc' }],
    [{ url: 'https://example.test/a', checksum: `sha256:${'A'.repeat(64)}` }],
    [{ checksum: sha512 }],
    [{ name: 'debian-12', url: 'https://example.test/a', checksum: sha512 }],
    [{ name: 7 }],
    ['https://example.test/a'],
  ])('refuses %j as a DriverProtocol error', (image) => {
    let caught: unknown;
    try {
      checkImageRequest('qemu', call, { driverConfig: {}, image });
    } catch (error) {
      caught = error;
    }
    expect(isBerthError(caught) && caught.code).toBe('DriverProtocol');
  });
});
