export { buildIsoImage, type IsoFile, type IsoImageSpec, writeIsoImage } from './iso9660-writer.js';
export {
  buildNoCloudSeed,
  DEFAULT_SEED_USER,
  NOCLOUD_LABEL,
  type NoCloudSeedSpec,
  nocloudMetaData,
  nocloudSeedFiles,
  nocloudUserData,
  writeNoCloudSeed,
} from './nocloud-seed.js';
export { SeedImageError } from './seed-errors.js';
