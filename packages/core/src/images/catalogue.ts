import { ImageChecksumInvalidError } from '../errors/image-errors.js';
import catalogueData from './catalogue.json' with { type: 'json' };
import { parseChecksum } from './checksum.js';

/** Architectures the catalogue has images for, in Debian's naming. */
export type ImageArch = 'amd64' | 'arm64';

/** One pinned image: a dated build, never a "latest" link, so its checksum stays true. */
export interface CatalogueImage {
  name: string;
  arch: ImageArch;
  url: string;
  /** `sha512:<hex>` or `sha256:<hex>`. */
  checksum: string;
}

interface CatalogueFile {
  source: string;
  default: string;
  images: CatalogueImage[];
}

// Kept as data (catalogue.json) so that updating a pinned build touches no code. Checked once here.
const catalogue = loadCatalogue(catalogueData as CatalogueFile);

/** Name of the image local drivers boot when none is asked for. */
export const DEFAULT_IMAGE_NAME: string = catalogue.default;

/** Every pinned image. */
export function catalogueImages(): readonly CatalogueImage[] {
  return catalogue.images;
}

/** The pinned image `name` for `arch`, if the catalogue has it. */
export function findCatalogueImage(name: string, arch: ImageArch): CatalogueImage | undefined {
  return catalogue.images.find((image) => image.name === name && image.arch === arch);
}

/** This machine's architecture as the catalogue names it, or undefined when it has no images for it. */
export function hostImageArch(nodeArch: string = process.arch): ImageArch | undefined {
  if (nodeArch === 'x64') return 'amd64';
  if (nodeArch === 'arm64') return 'arm64';
  return undefined;
}

function loadCatalogue(file: CatalogueFile): CatalogueFile {
  for (const image of file.images) {
    if (image.arch !== 'amd64' && image.arch !== 'arm64') throw new Error(`catalogue.json: bad arch ${image.arch}`);
    if (!/^https:\/\//.test(image.url)) throw new Error(`catalogue.json: ${image.name} needs an https URL`);
    // A malformed entry is a bug in the shipped data; fail at first use, loudly.
    const checksum = parseChecksum(image.checksum);
    if (checksum === undefined) throw new ImageChecksumInvalidError(image.checksum);
  }
  if (!file.images.some((image) => image.name === file.default)) {
    throw new Error(`catalogue.json: the default image ${file.default} is not listed`);
  }
  return file;
}
