import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  catalogueImages,
  DEFAULT_IMAGE_NAME,
  findCatalogueImage,
  hostImageArch,
} from '../../../src/images/catalogue.js';
import { parseChecksum } from '../../../src/images/checksum.js';

describe('image catalogue', () => {
  it('pins the Debian 12 generic cloud image of one dated build for amd64 and arm64, with SHA-512', () => {
    expect(DEFAULT_IMAGE_NAME).toBe('debian-12');
    const builds = new Set<string>();
    for (const arch of ['amd64', 'arm64'] as const) {
      const image = findCatalogueImage('debian-12', arch);
      expect(image?.url).toMatch(
        new RegExp(
          `^https://cloud\\.debian\\.org/images/cloud/bookworm/(\\d{8}-\\d+)/debian-12-genericcloud-${arch}-\\1\\.qcow2$`,
        ),
      );
      builds.add(image?.url.split('/')[6] ?? '');
      expect(parseChecksum(image?.checksum ?? '')?.algorithm).toBe('sha512');
    }
    expect(builds.size).toBe(1);
    expect(catalogueImages().every((image) => parseChecksum(image.checksum) !== undefined)).toBe(true);
  });

  it('is data: the JSON file names where its digests came from', async () => {
    const json = JSON.parse(await readFile(new URL('../../../src/images/catalogue.json', import.meta.url), 'utf8'));
    expect(json.source).toMatch(/lima-vm\/lima .* commit [0-9a-f]{40}/);
    expect(json.images).toEqual(catalogueImages());
  });

  it("maps Node's architecture names to Debian's", () => {
    expect(hostImageArch('x64')).toBe('amd64');
    expect(hostImageArch('arm64')).toBe('arm64');
    expect(hostImageArch('s390x')).toBeUndefined();
    expect(findCatalogueImage('debian-12', 'amd64')).toBeDefined();
    expect(findCatalogueImage('debian-99', 'amd64')).toBeUndefined();
  });
});
