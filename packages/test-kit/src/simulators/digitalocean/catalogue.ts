import type { HostVariant } from '../../hosts/test-host.js';

// What the simulated account can order: regions, sizes and images, shaped as the API returns them.

export interface SimSize {
  slug: string;
  memory: number;
  vcpus: number;
  disk: number;
  transfer: number;
  price_monthly: number;
  price_hourly: number;
  description: string;
}

export interface SimRegion {
  slug: string;
  name: string;
  available: boolean;
  features: string[];
  /** Size slugs offered in the region. */
  sizes: string[];
}

export interface SimImage {
  id: number;
  slug: string;
  name: string;
  distribution: string;
  /** The test host a droplet of this image runs on. */
  variant: HostVariant;
}

export const SIZES: SimSize[] = [
  size('s-1vcpu-512mb-10gb', 512, 1, 10, 0.5, 4, 'Basic'),
  size('s-1vcpu-1gb', 1024, 1, 25, 1, 6, 'Basic'),
  size('s-1vcpu-2gb', 2048, 1, 50, 2, 12, 'Basic'),
  size('s-2vcpu-2gb', 2048, 2, 60, 3, 18, 'Basic'),
  size('s-2vcpu-4gb', 4096, 2, 80, 4, 24, 'Basic'),
  size('s-4vcpu-8gb', 8192, 4, 160, 5, 48, 'Basic'),
  size('g-2vcpu-8gb', 8192, 2, 25, 4, 63, 'General Purpose'),
];

const FEATURES = ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'];
const ALL_SIZES = SIZES.map((entry) => entry.slug);
const BASIC_SIZES = ALL_SIZES.filter((slug) => slug.startsWith('s-'));

/** DigitalOcean's regions (the slugs its OpenAPI spec enumerates); nyc2 and ams2 are closed to new droplets. */
export const REGIONS: SimRegion[] = [
  region('ams2', 'Amsterdam 2', false, []),
  region('ams3', 'Amsterdam 3', true, ALL_SIZES),
  region('blr1', 'Bangalore 1', true, BASIC_SIZES),
  region('fra1', 'Frankfurt 1', true, ALL_SIZES),
  region('lon1', 'London 1', true, ALL_SIZES),
  region('nyc1', 'New York 1', true, ALL_SIZES),
  region('nyc2', 'New York 2', false, []),
  region('nyc3', 'New York 3', true, ALL_SIZES),
  region('sfo2', 'San Francisco 2', true, BASIC_SIZES),
  region('sfo3', 'San Francisco 3', true, ALL_SIZES),
  region('sgp1', 'Singapore 1', true, ALL_SIZES),
  region('syd1', 'Sydney 1', true, BASIC_SIZES),
  region('tor1', 'Toronto 1', true, ALL_SIZES),
];

/**
 * The images a droplet can boot. The simulator runs real Debian 12 test hosts, so it offers the
 * Debian 12 image only (and one with Docker already installed, like a marketplace image); other
 * slugs are refused as DigitalOcean refuses an unknown image.
 */
export const IMAGES: SimImage[] = [
  { id: 150_000_001, slug: 'debian-12-x64', name: '12 x64', distribution: 'Debian', variant: 'base' },
  { id: 150_000_002, slug: 'docker-debian-12', name: 'Docker on Debian 12', distribution: 'Debian', variant: 'adopt' },
];

function size(
  slug: string,
  memory: number,
  vcpus: number,
  disk: number,
  transfer: number,
  monthly: number,
  description: string,
): SimSize {
  return {
    slug,
    memory,
    vcpus,
    disk,
    transfer,
    price_monthly: monthly,
    price_hourly: Math.round((monthly / 672) * 100_000) / 100_000,
    description,
  };
}

function region(slug: string, name: string, available: boolean, sizes: string[]): SimRegion {
  return { slug, name, available, features: FEATURES, sizes };
}
