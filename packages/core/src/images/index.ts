export {
  IMAGE_ERROR_CODES,
  ImageCacheError,
  ImageChecksumInvalidError,
  ImageChecksumMismatchError,
  ImageDiskFullError,
  ImageDownloadError,
  ImageDownloadInterruptedError,
  type ImageErrorCode,
  ImageMirrorInvalidError,
  ImageNotFoundError,
  ImageUnreachableError,
} from '../errors/image-errors.js';
export { type CachedImagePaths, cachedImagePaths } from './cache-layout.js';
export {
  type CatalogueImage,
  catalogueImages,
  DEFAULT_IMAGE_NAME,
  findCatalogueImage,
  hostImageArch,
  type ImageArch,
} from './catalogue.js';
export { type Checksum, type ChecksumAlgorithm, parseChecksum } from './checksum.js';
export { DownloadProgress, type DownloadProgressOptions, type ProgressSink } from './download-progress.js';
export { type CachedImage, type EnsureImageOptions, ensureImage } from './ensure-image.js';
export { IMAGE_MIRROR_ENV, imageFetchUrl, resolveImageMirror } from './image-mirror.js';
