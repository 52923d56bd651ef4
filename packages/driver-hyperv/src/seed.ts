import { type NoCloudSeedSpec, writeNoCloudSeed } from '@berth/driver-sdk/seed';

/**
 * Hyper-V learns a guest's addresses only from the guest's KVP daemon (Debian's `hyperv-daemons`),
 * which cloud images do not ship: Berth's seed has cloud-init install it, or no IP would ever show.
 */
export const HYPERV_GUEST_PACKAGES = ['hyperv-daemons'] as const;

/** Writes the seed image (atomically, through the SDK) with {@link HYPERV_GUEST_PACKAGES} to install. */
export async function writeHypervSeed(path: string, spec: NoCloudSeedSpec): Promise<void> {
  await writeNoCloudSeed(path, { ...spec, packages: HYPERV_GUEST_PACKAGES });
}
