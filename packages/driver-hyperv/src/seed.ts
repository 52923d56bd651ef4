import {
  type IsoFile,
  NOCLOUD_LABEL,
  type NoCloudSeedSpec,
  nocloudSeedFiles,
  writeIsoImage,
} from '@berth/driver-sdk/seed';

/**
 * Hyper-V learns a guest's addresses only from the guest's KVP daemon (Debian's `hyperv-daemons`),
 * which cloud images do not ship: Berth's seed has cloud-init install it, or no IP would ever show.
 */
export const HYPERV_GUEST_PACKAGES = ['hyperv-daemons'] as const;

/**
 * The SDK's NoCloud seed files, with a `packages:` list appended to its user-data (a top-level
 * key after the users list, so the document stays valid). The SDK's spec has no packages yet.
 */
export function hypervSeedFiles(spec: NoCloudSeedSpec): IsoFile[] {
  return nocloudSeedFiles(spec).map((file) =>
    file.name === 'user-data'
      ? {
          name: file.name,
          content: `${String(file.content)}packages:\n${HYPERV_GUEST_PACKAGES.map((p) => `  - ${p}\n`).join('')}`,
        }
      : file,
  );
}

/** Writes the seed image (atomically, through the SDK's ISO 9660 writer). */
export async function writeHypervSeed(path: string, spec: NoCloudSeedSpec): Promise<void> {
  await writeIsoImage(path, { volumeId: NOCLOUD_LABEL, files: hypervSeedFiles(spec) });
}
